//! `imap-sandbox play FILE... [--policy NAME=VALUE]... [--quiet]`: runs scenarios, prints each
//! transcript in the scenario notation, and reports every expectation that failed.

use crate::scenario::Scenario;

/// What `play` was asked to run.
#[derive(Debug, Clone, Default)]
pub struct PlayArgs {
    /// Scenario files, played in order.
    pub files: Vec<String>,
    /// `NAME=VALUE` assignments; one for the varied decision point picks that variant.
    pub policies: Vec<String>,
    /// Print only the transcripts of failed runs.
    pub quiet: bool,
}

/// Runs the command; returns the process exit code (0 all passed, 1 a failure, 2 a file that
/// cannot be read or parsed). The command line is parsed in `src/main.rs`.
pub fn run(args: &PlayArgs) -> i32 {
    let PlayArgs {
        files,
        policies: overrides,
        quiet,
    } = args;
    let quiet = *quiet;
    let (mut runs, mut failed) = (0, 0);
    for file in files {
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
            let run = scenario.run(variant.as_deref(), overrides);
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
