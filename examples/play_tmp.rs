fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let sc = imap_sandbox::scenario::Scenario::parse(&text).unwrap();
    for v in sc.variants() {
        let run = sc.run(v.as_deref(), &[]);
        println!("== {:?}\n{}", v, run.render());
        for f in &run.failures { println!("  line {}: {}", f.line_no, f.message); }
    }
}
