//! Embeds the scenario library (`scenarios/*.imap`) for the wasm build, where there is no file
//! system: writes `$OUT_DIR/scenarios.rs`, an array of `(file name, text)`.

use std::fmt::Write as _;

fn main() {
    println!("cargo:rerun-if-changed=scenarios");
    // Without the `sort-thread` feature (the page's build) the engine has no SORT or THREAD,
    // so their scenarios (RFC 5256, and RFC 5267's ESORT and CONTEXT=SORT) stay out of the
    // library, and the CAPABILITY lines the other scenarios expect lose the six capabilities
    // that build does not advertise.
    let sort_thread = std::env::var_os("CARGO_FEATURE_SORT_THREAD").is_some();
    // Without the `response-check` feature (the page's build) the player does not check the
    // engine's own output, and the `# cite:` lines (which check each response's citation, the
    // badges' source being the engine itself) are left out: 0.9 KB gzipped of the page's budget.
    let response_check = std::env::var_os("CARGO_FEATURE_RESPONSE_CHECK").is_some();
    // Likewise CATENATE (RFC 4469) and QUOTA (RFC 9208), features `catenate` and `quota`.
    let catenate = std::env::var_os("CARGO_FEATURE_CATENATE").is_some();
    let quota = std::env::var_os("CARGO_FEATURE_QUOTA").is_some();
    let mut names: Vec<_> = std::fs::read_dir("scenarios")
        .map(|dir| {
            dir.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "imap"))
                .filter(|p| {
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    (sort_thread || !needs_sort(&name))
                        && (catenate || !name.starts_with("rfc4469-"))
                        && (quota || !name.starts_with("rfc9208-"))
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let full = sort_thread && response_check && catenate && quota;
    let mut out = String::from("[\n");
    // The page's build (not `full`): the texts themselves, held back to be stored in one string.
    let mut texts: Vec<(String, String)> = Vec::new();
    for path in names {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let abs = std::fs::canonicalize(&path).unwrap_or(path);
        if full {
            let _ = writeln!(
                out,
                "    ({name:?}, include_str!({:?})),",
                abs.display().to_string()
            );
        } else {
            let mut text = std::fs::read_to_string(&abs).unwrap_or_default();
            if !sort_thread {
                text = text.replace(
                    " SORT SORT=DISPLAY THREAD=ORDEREDSUBJECT THREAD=REFERENCES ESORT CONTEXT=SORT",
                    "",
                );
            }
            if !quota {
                text = text.replace(" QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE QUOTASET", "");
            }
            if !catenate {
                text = text.replace(" BINARY CATENATE", " BINARY");
            }
            if !response_check {
                // Each one an empty line, which the parser skips: the lines after it keep their
                // numbers, which the player's "Mismatch at line N" names.
                text = text
                    .lines()
                    .map(|l| {
                        if l.starts_with("# cite:") {
                            "\n".to_string()
                        } else {
                            format!("{l}\n")
                        }
                    })
                    .collect();
            }
            texts.push((name, join_wrapped(&text)));
        }
        println!("cargo:rerun-if-changed={}", abs.display());
    }
    if !full {
        out = page_library(&texts);
    }
    out.push(']');
    if !full {
        out.push_str("\n}");
    }
    let dest =
        std::path::Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("scenarios.rs");
    let _ = std::fs::write(dest, out);
}

/// The page's library: every text in one string constant, in an order that puts texts sharing
/// much of their wording next to each other (the same setup lines, responses and explanations),
/// so that gzip, which only looks 32 KB back, finds more of the repeats; the entries still list
/// the files by name, each slicing its text out of the string (`scenario::library_text`).
/// Measured on 2026-12-02: the page's scenario texts 41,494 bytes gzipped in name order, 40,705
/// in this order. Returns the array up to its closing `]`, inside a block that holds the string.
fn page_library(texts: &[(String, String)]) -> String {
    // Which texts are alike: the share of a text's 8-octet substrings found in the last few
    // texts placed (a cheap stand-in for how well gzip would compress it after them). Sixteen
    // texts are some 32 KB, gzip's window (measured on 2026-12-02: 0.6 KB smaller gzipped
    // than the last six; 3, 10, 20 and 30 are larger, 8- to 12-octet substrings alike).
    const GRAM: usize = 8;
    const WINDOW: usize = 16;
    let grams: Vec<std::collections::HashSet<&[u8]>> = texts
        .iter()
        .map(|(_, t)| t.as_bytes().windows(GRAM).collect())
        .collect();
    let mut order: Vec<usize> = Vec::new();
    let mut left: Vec<usize> = (0..texts.len()).collect();
    while !left.is_empty() {
        let recent: std::collections::HashSet<&[u8]> = order
            .iter()
            .rev()
            .take(WINDOW)
            .filter_map(|&r| grams.get(r))
            .flatten()
            .copied()
            .collect();
        let mut best = (0, -1.0f64);
        for (at, mine) in left.iter().filter_map(|&i| grams.get(i)).enumerate() {
            let shared = mine.iter().filter(|g| recent.contains(*g)).count();
            let score = shared as f64 / mine.len().max(1) as f64;
            if score > best.1 {
                best = (at, score);
            }
        }
        order.push(left.remove(best.0));
    }
    let mut all = String::new();
    let mut span = vec![(0, 0); texts.len()];
    for i in order {
        if let (Some((_, text)), Some(at)) = (texts.get(i), span.get_mut(i)) {
            let start = all.len();
            all.push_str(text);
            *at = (start, all.len());
        }
    }
    // A `str`'s Debug form is a valid Rust string literal.
    let mut out = format!("{{\n    const ALL: &str = {all:?};\n    [\n");
    for ((name, _), (start, end)) in texts.iter().zip(span) {
        let _ = writeln!(
            out,
            "    ({name:?}, crate::scenario::library_text(ALL, {start}, {end})),"
        );
    }
    out
}

/// A scenario's wrapped `# explain:`, `# explain[VALUE]:` and `# value[VALUE]:` lines joined
/// into one line each, for the page's library: the parser (`Scenario::parse`) joins such lines
/// with a space, so one line with the values joined by a space reads the same, and gzip no
/// longer pays for the repeated `# explain: ` (measured on 2026-12-02: the page's scenario
/// texts 1.1 KB smaller gzipped). Each line joined away leaves an empty line in its place, so
/// every step and expectation keeps its line number (the page's "Mismatch at line N"). Only the
/// header (before the first step) is touched, where no literal can be open, and only lines with
/// a value after a line of the same key with one (an empty value adds a lone space).
fn join_wrapped(text: &str) -> String {
    // The key and value of a joinable line, as the parser reads them.
    fn joinable(line: &str) -> Option<(&str, &str)> {
        let (key, value) = line.strip_prefix('#')?.trim().split_once(':')?;
        let (key, value) = (key.trim(), value.trim());
        let wrapped = key == "explain"
            || (key.ends_with(']') && (key.starts_with("explain[") || key.starts_with("value[")));
        (wrapped && !value.is_empty()).then_some((key, value))
    }
    let mut out: Vec<String> = Vec::new();
    // The line in `out` that a following line of the same key joins, if any.
    let mut open: Option<usize> = None;
    let mut header = true;
    for line in text.lines() {
        let blank = line.trim().is_empty();
        header = header && (blank || line.starts_with('#'));
        if !header {
            out.push(line.to_string());
            continue;
        }
        let this = joinable(line);
        let target = open.and_then(|at| {
            let prev = joinable(out.get(at)?)?;
            this.filter(|(key, _)| *key == prev.0).map(|_| at)
        });
        match (target, this) {
            (Some(at), Some((_, value))) => {
                if let Some(prev) = out.get_mut(at) {
                    prev.truncate(prev.trim_end().len());
                    prev.push(' ');
                    prev.push_str(value);
                }
                out.push(String::new());
            }
            _ => {
                if !blank {
                    open = this.map(|_| out.len());
                }
                out.push(line.to_string());
            }
        }
    }
    out.iter().map(|l| format!("{l}\n")).collect()
}

/// A scenario of SORT or THREAD: RFC 5256's, and RFC 5267's about SORT (ESORT, CONTEXT=SORT),
/// which have `sort` in their names (`rfc5267-3.3-esort.imap`).
fn needs_sort(name: &str) -> bool {
    name.starts_with("rfc5256-") || (name.starts_with("rfc5267-") && name.contains("sort"))
}
