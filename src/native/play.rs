//! `imap-sandbox play FILE... [--policy NAME=VALUE]... [--quiet]`: runs scenarios, prints each
//! transcript in the scenario notation, and reports every expectation that failed.

use crate::scenario::Scenario;

/// Runs the command; returns the process exit code (0 all passed, 1 a failure, 2 bad usage).
pub fn run(args: &[String]) -> i32 {
    let mut files = Vec::new();
    let mut overrides = Vec::new();
    let mut quiet = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--policy" => match it.next() {
                Some(v) => overrides.push(v.clone()),
                None => {
                    eprintln!("imap-sandbox play: --policy needs NAME=VALUE");
                    return 2;
                }
            },
            "--quiet" | "-q" => quiet = true,
            f => files.push(f.to_string()),
        }
    }
    if files.is_empty() {
        eprintln!("usage: imap-sandbox play FILE... [--policy NAME=VALUE]... [--quiet]");
        return 2;
    }
    let (mut runs, mut failed) = (0, 0);
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{file}: {e}");
                return 2;
            }
        };
        let scenario = match Scenario::parse(&text) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{file}: {e}");
                return 2;
            }
        };
        // A --policy for the varied decision point picks that one variant.
        let varied = scenario.vary.as_ref().map(|(point, _)| point.clone());
        let chosen: Option<String> = varied.as_ref().and_then(|point| {
            overrides.iter().rev().find_map(|o| {
                o.split_once('=')
                    .filter(|(k, _)| k.trim() == point)
                    .map(|(_, v)| v.trim().to_string())
            })
        });
        let variants: Vec<Option<String>> = match chosen {
            Some(v) => vec![Some(v)],
            None => scenario.variants(),
        };
        for variant in variants {
            runs += 1;
            let run = scenario.run(variant.as_deref(), &overrides);
            let label = match (&varied, &variant) {
                (Some(p), Some(v)) => format!("{file} [{p}={v}]"),
                _ => file.clone(),
            };
            if !quiet || !run.passed() {
                println!("# {label}: {}", scenario.title);
                print!("{}", run.render());
            }
            if run.passed() {
                println!("# ok: {label}\n");
            } else {
                failed += 1;
                println!("# FAILED: {label}");
                for f in &run.failures {
                    println!(
                        "#   line {}: {}",
                        f.line_no,
                        f.message.replace('\n', "\n#   ")
                    );
                }
                println!();
            }
        }
    }
    println!("# {} of {runs} runs passed", runs - failed);
    i32::from(failed > 0)
}
