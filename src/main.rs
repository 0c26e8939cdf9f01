fn main() {
    std::process::exit(optform::cli::main());
}
