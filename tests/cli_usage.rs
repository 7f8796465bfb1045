//! The command line: `--help` for every subcommand (usage on stdout, exit 0), and a bad flag or
//! value for each gives an error naming it, that subcommand's usage on stderr, and exit 2,
//! before anything runs.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

#[path = "common/cli.rs"]
mod cli;
use cli::run;

const COMMANDS: [&str; 4] = ["serve", "policies", "play", "help"];

#[test]
fn every_subcommand_has_help() {
    for command in COMMANDS {
        for flag in ["--help", "-h"] {
            let r = run(&[command, flag]);
            assert_eq!(r.code, 0, "{command} {flag}: {}", r.stderr);
            assert!(
                r.stdout
                    .starts_with(&format!("usage:\n  imap-sandbox {command}")),
                "{command} {flag}: {}",
                r.stdout
            );
            // One command's usage, not everyone's.
            assert_eq!(
                r.stdout.matches("  imap-sandbox ").count(),
                1,
                "{}",
                r.stdout
            );
            assert!(r.stderr.is_empty(), "{}", r.stderr);
        }
        let r = run(&["help", command]);
        assert_eq!(r.code, 0);
        assert!(r
            .stdout
            .starts_with(&format!("usage:\n  imap-sandbox {command}")));
    }
    // Every option of serve and play is in its help.
    let serve = run(&["serve", "--help"]).stdout;
    for option in [
        "--listen",
        "--user",
        "--policy",
        "--preset",
        "--trace",
        "--tls",
        "--tls-listen",
        "--cert",
        "--key",
        "--require-tls",
    ] {
        assert!(serve.contains(option), "{option} in {serve}");
    }
    let play = run(&["play", "--help"]).stdout;
    for option in ["--policy", "--quiet", "-q"] {
        assert!(play.contains(option), "{option} in {play}");
    }
}

#[test]
fn top_level_help_lists_every_command() {
    for args in [&["--help"][..], &["-h"], &["help"]] {
        let r = run(args);
        assert_eq!(r.code, 0, "{args:?}");
        for command in COMMANDS {
            assert!(
                r.stdout.contains(&format!("  imap-sandbox {command}")),
                "{command} in {}",
                r.stdout
            );
        }
    }
}

/// Exit 2, the message on stderr's first line, the command's usage after it, nothing on stdout.
fn assert_usage_error(args: &[&str], message: &str, usage_of: &str) {
    let r = run(args);
    assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
    let first = r.stderr.lines().next().unwrap_or_default();
    assert!(first.contains(message), "{args:?}: {first:?}");
    assert!(
        r.stderr
            .contains(&format!("usage:\n  imap-sandbox {usage_of}")),
        "{args:?}: {}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
}

#[test]
fn a_bad_flag_is_named_with_the_usage_and_exit_two() {
    assert_usage_error(
        &["serve", "--bogus"],
        "imap-sandbox serve: invalid option '--bogus'",
        "serve",
    );
    assert_usage_error(
        &["policies", "--bogus"],
        "imap-sandbox policies: invalid option '--bogus'",
        "policies",
    );
    assert_usage_error(
        &["play", "scenarios/rfc2180-4.1.3-fetch-nil.imap", "--bogus"],
        "imap-sandbox play: invalid option '--bogus'",
        "play",
    );
    assert_usage_error(
        &["help", "--bogus"],
        "imap-sandbox help: invalid option '--bogus'",
        "help",
    );
    assert_usage_error(
        &["--bogus"],
        "imap-sandbox: invalid option '--bogus'",
        "serve",
    );
    assert_usage_error(&["frob"], "imap-sandbox: unknown command \"frob\"", "serve");
    assert_usage_error(&[], "imap-sandbox: a command is needed", "serve");
    assert_usage_error(&["help", "frob"], "unknown command \"frob\"", "help");
    assert_usage_error(
        &["policies", "extra"],
        "unexpected argument \"extra\"",
        "policies",
    );
}

#[test]
fn a_bad_value_is_named_before_anything_runs() {
    assert_usage_error(
        &["serve", "--listen"],
        "missing argument for option '--listen'",
        "serve",
    );
    assert_usage_error(
        &["serve", "--user", "nocolon"],
        "--user expects NAME:PASSWORD",
        "serve",
    );
    assert_usage_error(
        &["serve", "--policy", "no-such-point=1"],
        "\"no-such-point\"; one of: select-shared, delete-selected",
        "serve",
    );
    assert_usage_error(
        &["serve", "--preset", "no-such-preset"],
        "\"no-such-preset\"; one of: default, dovecot, cyrus, rfc2180-3.1",
        "serve",
    );
    assert_usage_error(
        &["serve", "--policy", "fetch-expunged=maybe"],
        "\"maybe\" for fetch-expunged; one of: ghost, no, nil, nil-ok, omit",
        "serve",
    );
    assert_usage_error(&["serve", "--trace=yes"], "'--trace'", "serve");
    // The TLS options mean nothing without --tls, and a certificate needs its key.
    for option in [
        &["--require-tls"][..],
        &["--tls-listen", "127.0.0.1:0"],
        &["--cert", "c.pem", "--key", "k.pem"],
    ] {
        let args: Vec<&str> = ["serve"].iter().chain(option).copied().collect();
        assert_usage_error(&args, &format!("{} needs --tls", option[0]), "serve");
    }
    assert_usage_error(
        &["serve", "--tls", "--cert", "c.pem"],
        "--cert needs --key",
        "serve",
    );
    assert_usage_error(
        &["serve", "--tls", "--key", "k.pem"],
        "--key needs --cert",
        "serve",
    );
    assert_usage_error(&["play"], "at least one scenario FILE", "play");
    assert_usage_error(
        &[
            "play",
            "--policy",
            "fetch-expunged=maybe",
            "scenarios/rfc2180-4.3-search.imap",
        ],
        "\"maybe\" for fetch-expunged; one of: ghost, no, nil, nil-ok, omit",
        "play",
    );
    assert_usage_error(
        &[
            "play",
            "--preset",
            "nope",
            "scenarios/rfc2180-4.3-search.imap",
        ],
        "\"nope\"; one of: default, dovecot, cyrus, rfc2180-3.1",
        "play",
    );
    assert_usage_error(
        &["play", "--policy"],
        "missing argument for option '--policy'",
        "play",
    );
}

#[test]
fn options_take_their_value_after_an_equals_sign_too() {
    let r = run(&[
        "play",
        "-q",
        "--policy=fetch-expunged=nil",
        "scenarios/rfc2180-4.1.3-fetch-nil.imap",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("# 1 of 1 runs passed"), "{}", r.stdout);
    // --quiet: a passing run's transcript is not printed.
    assert!(!r.stdout.contains("S2:"), "{}", r.stdout);
}

/// A certificate file that cannot be read: a message naming it, exit 1, before listening.
#[test]
fn an_unreadable_certificate_is_named() {
    let r = run(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--tls",
        "--tls-listen",
        "127.0.0.1:0",
        "--cert",
        "/nonexistent/cert.pem",
        "--key",
        "/nonexistent/key.pem",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .starts_with("imap-sandbox: /nonexistent/cert.pem: "),
        "{}",
        r.stderr
    );
}

/// `imap-sandbox policies`: each value line is `    M value  citation`, and the citations of
/// every point line up in one column, however long the longest value name
/// (`unseen-no-uidvalidity`) is.
#[test]
fn policies_citations_line_up() {
    let r = run(&["policies"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let columns: Vec<usize> = r
        .stdout
        .lines()
        .take_while(|l| !l.starts_with("Presets"))
        .filter(|l| l.starts_with("    * ") || l.starts_with("      "))
        .map(|l| {
            let value_end = 6 + l[6..].find(' ').unwrap();
            value_end + l[value_end..].find(|c: char| c != ' ').unwrap()
        })
        .collect();
    assert!(columns.len() > 40, "{}", r.stdout);
    assert!(columns.iter().all(|&c| c == columns[0]), "{}", r.stdout);
    assert!(r.stdout.contains("unseen-no-uidvalidity "), "{}", r.stdout);
}
