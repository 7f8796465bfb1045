//! Plays every scenario in `scenarios/` under every value of its varied decision point
//! (the same files `imap-sandbox play` and the page use).

use imap_sandbox::scenario::Scenario;

#[test]
fn every_scenario_passes_under_every_variant() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("scenarios/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "imap"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "the scenario library is missing: {files:?}"
    );
    let mut failures = Vec::new();
    let mut runs = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let sc = match Scenario::parse(&text) {
            Ok(sc) => sc,
            Err(e) => {
                failures.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        assert!(!sc.title.is_empty(), "{} has no # title", path.display());
        assert!(!sc.rfc.is_empty(), "{} has no # rfc", path.display());
        for variant in sc.variants() {
            runs += 1;
            let run = sc.run(variant.as_deref(), &[]);
            if !run.passed() {
                let mut msg = format!(
                    "{} [{}]\n{}",
                    path.display(),
                    variant.as_deref().unwrap_or("-"),
                    run.render()
                );
                for f in &run.failures {
                    msg.push_str(&format!("  line {}: {}\n", f.line_no, f.message));
                }
                failures.push(msg);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {runs} runs failed:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}
