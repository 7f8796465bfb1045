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

/// The `# cite:` lines of the library are checked, not decoration: naming the value's own
/// paragraph (RFC 2180 §4.2.3) where §4.2.1 applied fails every such line of that variant (tests/web.rs runs the
/// same check in the browser).
#[test]
fn a_library_scenario_with_a_wrong_citation_fails() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/rfc2180-4.2.1-store-silent.imap"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let right = "# cite: store-expunged=partial-no RFC 2180 §4.2.1";
    let cites = text.matches(right).count();
    assert!(cites >= 2, "{text}");
    let wrong = text.replace(right, "# cite: store-expunged=partial-no RFC 2180 §4.2.3");
    let sc = Scenario::parse(&wrong).unwrap();
    for variant in sc.variants() {
        let run = sc.run(variant.as_deref(), &[]);
        if variant.as_deref() != Some("partial-no") {
            assert!(run.passed(), "{variant:?}: {:?}", run.failures);
            continue;
        }
        assert_eq!(run.failures.len(), cites, "{:?}", run.failures);
        assert!(
            run.failures.iter().all(|f| f
                .message
                .contains("must cite store-expunged=partial-no RFC 2180 §4.2.3")),
            "{:?}",
            run.failures
        );
    }
    // Without its # cite: lines the scenario still passes: they are all that catches this.
    let bare: String = text
        .lines()
        .filter(|l| !l.starts_with("# cite:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let sc = Scenario::parse(&bare).unwrap();
    assert!(sc
        .variants()
        .iter()
        .all(|v| sc.run(v.as_deref(), &[]).passed()));
}
