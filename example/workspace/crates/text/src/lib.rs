pub fn normalise(word: &str) -> String {
    word.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

pub fn render<T: std::fmt::Debug>(value: &T) -> String {
    format!("{value:?}")
}
