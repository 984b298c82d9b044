fn main() {
    let input = std::env::args().nth(1).unwrap_or_else(|| "the quick brown fox jumps over the lazy dog".to_string());
    let stats = engine::analyse(&input);
    println!("{} ({})", text::render(&stats), stamp::BUILD_STAMP);
}
