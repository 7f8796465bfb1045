//! `imap-sandbox probe-table REPORT.json...`: the decision points × servers table of the
//! README, generated from saved probe reports (`imap-sandbox probe ... --json`) and the
//! sandbox's presets, so the table is never typed by hand.
//!
//! One Markdown row per decision point of [`Policies::table`]; one column per report, whose cell
//! is the probe's verdict (`VALUE`, `VALUE, VALUE`, `none`, `untested`), then one column per
//! preset, whose cell is the value that preset sets. This module reads files and formats text;
//! it knows no decision point by name.

use serde::Deserialize;

use crate::server::policy::{Preset, PRESETS};
use crate::server::Policies;

/// What `probe-table` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct TableArgs {
    /// Probe reports, as `imap-sandbox probe --json` writes them.
    pub files: Vec<String>,
    /// Preset columns; empty means [`default_presets`].
    pub presets: Vec<String>,
}

/// The part of a probe report the table needs (the JSON object of `probe::Report::to_json`);
/// other fields are ignored.
#[derive(Debug, Deserialize)]
struct ReportFile {
    rows: Vec<RowFile>,
}

#[derive(Debug, Deserialize)]
struct RowFile {
    point: String,
    /// `match`, `none` or `untested`.
    result: String,
    values: Vec<String>,
}

/// One report column: its heading and its cell per decision point.
struct Column {
    heading: String,
    cells: Vec<(String, String)>,
}

/// The presets shown when none is named: `default` and the personalities of real servers, i.e.
/// every preset not named after an RFC section.
pub fn default_presets() -> Vec<&'static Preset> {
    PRESETS
        .iter()
        .filter(|p| !p.rfc.starts_with("RFC"))
        .collect()
}

/// Prints the table; returns the exit code: 0, or 1 when a report cannot be read (with a
/// one-line message naming the file).
pub fn run(args: &TableArgs) -> i32 {
    match render(args) {
        Ok(table) => {
            print!("{table}");
            0
        }
        Err(e) => {
            eprintln!("imap-sandbox probe-table: {e}");
            1
        }
    }
}

/// The Markdown table, or why a report or preset could not be used.
pub fn render(args: &TableArgs) -> Result<String, String> {
    let presets: Vec<&Preset> = if args.presets.is_empty() {
        default_presets()
    } else {
        args.presets
            .iter()
            .map(|name| {
                PRESETS
                    .iter()
                    .find(|p| p.name == name)
                    .ok_or_else(|| unknown_preset(name))
            })
            .collect::<Result<_, _>>()?
    };
    let mut preset_policies = Vec::new();
    for p in &presets {
        preset_policies.push(Policies::preset(p.name).map_err(|e| e.0)?);
    }
    let columns = args
        .files
        .iter()
        .map(|f| read_column(f))
        .collect::<Result<Vec<_>, _>>()?;

    let mut headings = vec!["decision point".to_string()];
    headings.extend(columns.iter().map(|c| format!("probe: {}", c.heading)));
    headings.extend(presets.iter().map(|p| format!("preset: {}", p.name)));
    let mut out = String::new();
    push_row(&mut out, &headings);
    push_row(&mut out, &vec!["---".to_string(); headings.len()]);
    for info in Policies::default().table() {
        let mut cells = vec![format!("`{}`", info.point)];
        for c in &columns {
            let cell = c
                .cells
                .iter()
                .find(|(point, _)| point == info.point)
                .map_or("not probed", |(_, cell)| cell.as_str());
            cells.push(cell.to_string());
        }
        for policies in &preset_policies {
            cells.push(policies.get(info.point).unwrap_or("-").to_string());
        }
        push_row(&mut out, &cells);
    }
    Ok(out)
}

fn unknown_preset(name: &str) -> String {
    let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
    format!("unknown preset {name:?}; one of: {}", names.join(", "))
}

fn push_row(out: &mut String, cells: &[String]) {
    out.push_str("| ");
    out.push_str(&cells.join(" | "));
    out.push_str(" |\n");
}

/// Reads one report; its heading is the file name without directory and `.json`.
fn read_column(file: &str) -> Result<Column, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let report: ReportFile = serde_json::from_str(&text)
        .map_err(|e| format!("{file}: not a probe report (imap-sandbox probe --json): {e}"))?;
    let path = std::path::Path::new(file);
    let heading = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file)
        .to_string();
    let cells = report
        .rows
        .into_iter()
        .map(|row| {
            let values = row.values.join(", ");
            let cell = match row.result.as_str() {
                "match" => values,
                "none" | "untested" => row.result.clone(),
                other => {
                    return Err(format!(
                        "{file}: row {:?}: unknown result {other:?} (match, none, untested)",
                        row.point
                    ))
                }
            };
            Ok((row.point, cell))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Column { heading, cells })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_presets_are_default_and_the_personalities() {
        let names: Vec<&str> = default_presets().iter().map(|p| p.name).collect();
        assert!(names.contains(&"default"), "{names:?}");
        assert!(names.contains(&"dovecot"), "{names:?}");
        assert!(names.contains(&"cyrus"), "{names:?}");
        assert!(!names.iter().any(|n| n.starts_with("rfc")), "{names:?}");
    }

    #[test]
    fn an_unknown_preset_lists_the_valid_ones() {
        let args = TableArgs {
            files: Vec::new(),
            presets: vec!["nope".to_string()],
        };
        let e = render(&args).unwrap_err();
        assert!(e.contains("\"nope\"") && e.contains("dovecot"), "{e}");
    }

    #[test]
    fn presets_only_give_one_row_per_point() {
        let table = render(&TableArgs {
            files: Vec::new(),
            presets: vec!["default".to_string()],
        })
        .unwrap();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "| decision point | preset: default |");
        assert_eq!(lines.len(), 2 + Policies::default().table().len());
        assert!(lines.contains(&"| `select-shared` | allow |"), "{table}");
    }
}
