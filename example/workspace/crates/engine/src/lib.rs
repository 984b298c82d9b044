//! Word statistics, written with enough generic code that compiling it takes a moment.
use std::collections::BTreeMap;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Stats {
    pub words: usize,
    pub longest: String,
    pub frequencies: BTreeMap<String, usize>,
}

pub trait Fold<T> {
    fn fold_in(&mut self, item: T);
}

impl<'a> Fold<&'a str> for Stats {
    fn fold_in(&mut self, item: &'a str) {
        self.words += 1;
        if item.len() > self.longest.len() {
            self.longest = item.to_string();
        }
        *self.frequencies.entry(text::normalise(item)).or_insert(0) += 1;
    }
}

macro_rules! numeric_summaries {
    ($($name:ident: $t:ty),*) => {
        $(pub fn $name(values: &[$t]) -> ($t, $t, f64) {
            let min = values.iter().copied().fold(<$t>::MAX, |a, b| if b < a { b } else { a });
            let max = values.iter().copied().fold(<$t>::MIN, |a, b| if b > a { b } else { a });
            let mean = values.iter().map(|v| *v as f64).sum::<f64>() / values.len().max(1) as f64;
            (min, max, mean)
        })*
    };
}
numeric_summaries!(summary_u8: u8, summary_u16: u16, summary_u32: u32, summary_u64: u64, summary_i32: i32, summary_i64: i64, summary_usize: usize);

pub fn analyse(input: &str) -> Stats {
    let mut stats = Stats::default();
    for word in input.split_whitespace() {
        stats.fold_in(word);
    }
    stats
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_words() {
        assert_eq!(super::analyse("a b a").words, 3);
    }
}
