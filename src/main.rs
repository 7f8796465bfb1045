//! The `imap-sandbox` command: the native front end.
//!
//! ```text
//! imap-sandbox serve [--listen ADDR] [--user NAME:PASSWORD]... [--policy NAME=VALUE]...
//!                    [--preset NAME] [--trace]
//!                    [--tls [--tls-listen ADDR] [--cert FILE --key FILE] [--require-tls]]
//! imap-sandbox policies
//! imap-sandbox play FILE... [--preset NAME] [--policy NAME=VALUE]... [--quiet]
//! imap-sandbox probe HOST:PORT --user NAME --password PASS [--user2 NAME --password2 PASS]
//!                    [--json] [--timeout SECONDS] [--preset NAME]
//! imap-sandbox probe-table REPORT.json... [--preset NAME]...
//! imap-sandbox help [COMMAND]          (or COMMAND --help)
//! ```

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::run(std::env::args_os().skip(1)));
}

#[cfg(target_arch = "wasm32")]
fn main() {}

/// The command line, parsed with lexopt: every subcommand takes `-h`/`--help`, an option is
/// given as `--name VALUE` or `--name=VALUE`, and anything unknown is an error naming it, with
/// the subcommand's usage, and exit code 2.
#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::ffi::OsString;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use imap_sandbox::native::play::{self, PlayArgs};
    use imap_sandbox::native::probe::{self, ProbeArgs};
    use imap_sandbox::native::probe_table::{self, TableArgs};
    use imap_sandbox::native::tcp::{Options, TcpServer, TlsOptions};
    use imap_sandbox::native::tls::TlsIdentity;
    use imap_sandbox::native::{http_control, world_file};
    use imap_sandbox::server::policy::PRESETS;
    use imap_sandbox::server::{Policies, Server, World};
    use lexopt::prelude::*;

    const SERVE_USAGE: &str =
        "  imap-sandbox serve [--listen ADDR] [--user NAME:PASSWORD]... [--policy NAME=VALUE]...
                     [--preset NAME] [--trace] [--world FILE] [--control ADDR]
                     [--tls [--tls-listen ADDR] [--cert FILE --key FILE] [--require-tls]]
      Runs the IMAP server (default 127.0.0.1:1143). Without --user, the world's users
      (the default world's alice, bob and carol, each with its own name as password) log
      in. --preset applies first, then each --policy; --trace prints every policy citation
      to stderr. --world starts from FILE instead of the default world: a .json file in the
      form `world export` writes, a Maildir directory, or an mbox file (see the README).
      --control serves the control API as JSON over HTTP on ADDR, which must be loopback
      (e.g. 127.0.0.1:8143): POST / {\"verb\": ...}; GET / lists the verbs.
      --tls also listens for implicit TLS (RFC 8314; --tls-listen, default 127.0.0.1:1993)
      and offers STARTTLS on the plain port. --cert and --key name a PEM certificate chain
      and its key; without them a self-signed certificate for 127.0.0.1 and localhost is
      made at start, and its file and SHA-256 fingerprint are printed. --require-tls
      advertises LOGINDISABLED and refuses LOGIN and AUTHENTICATE before STARTTLS.
";
    const POLICIES_USAGE: &str = "  imap-sandbox policies
      Lists every decision point, its values and presets, with RFC citations.
";
    const PLAY_USAGE: &str =
        "  imap-sandbox play FILE... [--preset NAME] [--policy NAME=VALUE]... [--quiet]
      Plays scenarios (scenarios/*.imap) under every value of their varied decision point,
      or the one --preset or --policy names (--preset first, then each --policy); prints the
      transcripts (--quiet, -q: only failed ones); exits 1 if an expectation failed.
";
    const PROBE_USAGE: &str = "  imap-sandbox probe HOST:PORT --user NAME --password PASS
                     [--user2 NAME --password2 PASS] [--json] [--timeout SECONDS]
                     [--preset NAME]
      Plays the RFC 2180 / RFC 2683 scenarios against a live IMAP server (plain TCP only;
      no TLS yet) with up to three connections, and prints one row per decision point: the
      values whose play in the sandbox gives the same answers as the server, `none` with
      what differed, or `untested` with the reason. Free text is ignored (see the README).
      The sandbox plays each variant under the scenario's own policies, or under --preset
      with only the scenario's point changed (to check that a server is that preset).
      It works only inside one scratch mailbox it creates with a unique name
      (imap-sandbox-probe-<pid>-<time>, in the personal namespace) and deletes at the end,
      also after an error or Ctrl-C; it never reads, changes or deletes any other mailbox.
      Client 2 logs in as --user2 when given (it must see the same mailboxes), else --user.
      --timeout (default 10) bounds every wait for a greeting or a command's answer; after
      each command the other connections are read for 0.3 s. --json prints one object.
      Exit codes: 0 the probe ran (whatever the rows say), 1 it could not (no connection,
      no greeting, login refused, scratch mailbox not created), 2 usage, 130 Ctrl-C.
";
    const PROBE_TABLE_USAGE: &str = "  imap-sandbox probe-table REPORT.json... [--preset NAME]...
      Prints a Markdown table of the decision points (rows) by saved probe reports (written
      by probe --json; one column each, headed by the file name) and presets (one column
      each, --preset in the order given; default: default and every server personality).
      A report's cell is its verdict: VALUE (several, comma-separated, when the scenarios
      cannot tell them apart), none or untested; a preset's is the value it sets.
      Exit codes: 0, 1 a report cannot be read or is not a probe report, 2 usage.
";
    const WORLD_USAGE: &str = "  imap-sandbox world export [--world FILE]
      Prints a world as JSON (the form `serve --world FILE.json` reads): the default world,
      or FILE (.json, a Maildir directory or an mbox file) converted. Exit codes: 0, 1 FILE
      cannot be read, 2 usage.
";
    const HELP_USAGE: &str = "  imap-sandbox help [COMMAND]
      Prints this text, or one command's.
";

    /// The usage of one subcommand, or of all.
    fn usage(command: Option<&str>) -> String {
        let body = match command {
            Some("serve") => SERVE_USAGE.to_string(),
            Some("policies") => POLICIES_USAGE.to_string(),
            Some("play") => PLAY_USAGE.to_string(),
            Some("probe") => PROBE_USAGE.to_string(),
            Some("probe-table") => PROBE_TABLE_USAGE.to_string(),
            Some("world") => WORLD_USAGE.to_string(),
            Some("help") => HELP_USAGE.to_string(),
            _ => [
                SERVE_USAGE,
                POLICIES_USAGE,
                PLAY_USAGE,
                PROBE_USAGE,
                PROBE_TABLE_USAGE,
                WORLD_USAGE,
                HELP_USAGE,
            ]
            .concat(),
        };
        format!("usage:\n{body}")
    }

    /// What the command line asks for.
    enum Command {
        Help(Option<String>),
        Serve(EngineArgs),
        Policies,
        Play(PlayArgs),
        Probe(ProbeArgs),
        ProbeTable(TableArgs),
        WorldExport(Option<String>),
    }

    /// A command line that cannot be run: the message, and the subcommand whose usage to show.
    struct UsageError {
        command: Option<&'static str>,
        message: String,
    }

    pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
        match parse(args) {
            Ok(Command::Help(command)) => {
                print!("{}", usage(command.as_deref()));
                0
            }
            Ok(Command::Serve(args)) => serve(args),
            Ok(Command::Policies) => {
                print_policies();
                0
            }
            Ok(Command::Play(args)) => play::run(&args),
            Ok(Command::Probe(args)) => {
                // Ctrl-C: the probe stops at its next read and deletes its scratch mailbox.
                let cancel = Arc::new(AtomicBool::new(false));
                let flag = cancel.clone();
                if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)) {
                    eprintln!("imap-sandbox: cannot install the Ctrl-C handler: {e}");
                }
                probe::run(&args, cancel)
            }
            Ok(Command::ProbeTable(args)) => probe_table::run(&args),
            Ok(Command::WorldExport(file)) => {
                let world = match file {
                    Some(f) => match world_file::load(std::path::Path::new(&f)) {
                        Ok(w) => w,
                        Err(e) => {
                            eprintln!("imap-sandbox: {e}");
                            return 1;
                        }
                    },
                    None => World::default_world(),
                };
                println!("{}", world_file::export_world(&world));
                0
            }
            Err(e) => {
                let prefix = match e.command {
                    Some(c) => format!("imap-sandbox {c}"),
                    None => "imap-sandbox".to_string(),
                };
                eprint!("{prefix}: {}\n\n{}", e.message, usage(e.command));
                2
            }
        }
    }

    fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, UsageError> {
        let mut parser = lexopt::Parser::from_args(args);
        let top = |e: lexopt::Error| UsageError {
            command: None,
            message: e.to_string(),
        };
        let name = match parser.next().map_err(top)? {
            Some(Short('h') | Long("help")) => return Ok(Command::Help(None)),
            Some(Value(name)) => name.string().map_err(top)?,
            Some(other) => return Err(top(other.unexpected())),
            None => {
                return Err(UsageError {
                    command: None,
                    message: "a command is needed".to_string(),
                })
            }
        };
        let (command, parsed): (&'static str, Result<Command, lexopt::Error>) = match name.as_str()
        {
            "serve" => ("serve", parse_serve(&mut parser)),
            "policies" => ("policies", parse_policies(&mut parser)),
            "play" => ("play", parse_play(&mut parser)),
            "probe" => ("probe", parse_probe(&mut parser)),
            "probe-table" => ("probe-table", parse_probe_table(&mut parser)),
            "world" => ("world", parse_world(&mut parser)),
            "help" => ("help", parse_help(&mut parser)),
            other => {
                return Err(UsageError {
                    command: None,
                    message: format!("unknown command {other:?}"),
                })
            }
        };
        parsed.map_err(|e| UsageError {
            command: Some(command),
            message: e.to_string(),
        })
    }

    /// The options of `serve`.
    struct EngineArgs {
        policies: Policies,
        users: Vec<(String, String)>,
        listen: String,
        trace: bool,
        tls: Option<TlsArgs>,
        /// --world FILE.
        world: Option<String>,
        /// --control ADDR.
        control: Option<String>,
    }

    /// The TLS options of `serve`.
    struct TlsArgs {
        listen: String,
        /// --cert and --key; `None`: a self-signed certificate made at start.
        pem: Option<(String, String)>,
        require_tls: bool,
    }

    fn parse_serve(parser: &mut lexopt::Parser) -> Result<Command, lexopt::Error> {
        let mut out = EngineArgs {
            policies: Policies::default(),
            users: Vec::new(),
            listen: "127.0.0.1:1143".to_string(),
            trace: false,
            tls: None,
            world: None,
            control: None,
        };
        // Presets apply first, so --policy can adjust one.
        let mut assignments = Vec::new();
        let (mut tls, mut tls_listen, mut cert, mut key, mut require_tls) =
            (false, None, None, None, false);
        while let Some(arg) = parser.next()? {
            match arg {
                Short('h') | Long("help") => return Ok(Command::Help(Some("serve".into()))),
                Long("listen") => out.listen = parser.value()?.string()?,
                Long("user") => {
                    let v = parser.value()?.string()?;
                    let (name, password) = v
                        .split_once(':')
                        .ok_or_else(|| format!("--user expects NAME:PASSWORD, got {v:?}"))?;
                    out.users.push((name.to_string(), password.to_string()));
                }
                Long("policy") => assignments.push(parser.value()?.string()?),
                Long("preset") => {
                    out.policies = Policies::preset(&parser.value()?.string()?).map_err(|e| e.0)?;
                }
                Long("trace") => out.trace = true,
                Long("world") => out.world = Some(parser.value()?.string()?),
                Long("control") => out.control = Some(parser.value()?.string()?),
                Long("tls") => tls = true,
                Long("tls-listen") => tls_listen = Some(parser.value()?.string()?),
                Long("cert") => cert = Some(parser.value()?.string()?),
                Long("key") => key = Some(parser.value()?.string()?),
                Long("require-tls") => require_tls = true,
                _ => return Err(arg.unexpected()),
            }
        }
        for a in assignments {
            out.policies.set_assignment(&a).map_err(|e| e.0)?;
        }
        if !tls {
            let needs_tls = [
                (tls_listen.is_some(), "--tls-listen"),
                (cert.is_some(), "--cert"),
                (key.is_some(), "--key"),
                (require_tls, "--require-tls"),
            ];
            if let Some((_, option)) = needs_tls.iter().find(|(given, _)| *given) {
                return Err(format!("{option} needs --tls").into());
            }
        }
        let pem = match (cert, key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            (Some(_), None) => return Err("--cert needs --key".into()),
            (None, Some(_)) => return Err("--key needs --cert".into()),
        };
        out.tls = tls.then(|| TlsArgs {
            listen: tls_listen.unwrap_or_else(|| "127.0.0.1:1993".to_string()),
            pem,
            require_tls,
        });
        Ok(Command::Serve(out))
    }

    fn parse_world(parser: &mut lexopt::Parser) -> Result<Command, lexopt::Error> {
        let mut action = None;
        let mut file = None;
        while let Some(arg) = parser.next()? {
            match arg {
                Short('h') | Long("help") => return Ok(Command::Help(Some("world".into()))),
                Long("world") => file = Some(parser.value()?.string()?),
                Value(v) if action.is_none() => action = Some(v.string()?),
                _ => return Err(arg.unexpected()),
            }
        }
        match action.as_deref() {
            Some("export") => Ok(Command::WorldExport(file)),
            Some(other) => Err(format!("unknown world action {other:?} (export)").into()),
            None => Err("world needs an action: export".into()),
        }
    }

    fn parse_policies(parser: &mut lexopt::Parser) -> Result<Command, lexopt::Error> {
        if let Some(arg) = parser.next()? {
            return match arg {
                Short('h') | Long("help") => Ok(Command::Help(Some("policies".into()))),
                _ => Err(arg.unexpected()),
            };
        }
        Ok(Command::Policies)
    }

    fn parse_play(parser: &mut lexopt::Parser) -> Result<Command, lexopt::Error> {
        let mut out = PlayArgs::default();
        let mut preset: Vec<String> = Vec::new();
        while let Some(arg) = parser.next()? {
            match arg {
                Short('h') | Long("help") => return Ok(Command::Help(Some("play".into()))),
                Long("preset") => {
                    let name = parser.value()?.string()?;
                    Policies::preset(&name).map_err(|e| e.0)?;
                    preset = PRESETS
                        .iter()
                        .find(|p| p.name == name)
                        .map(|p| p.settings.iter().map(|s| s.to_string()).collect())
                        .unwrap_or_default();
                }
                Long("policy") => {
                    // Checked here, as serve checks it: an unknown point or value is a usage
                    // error that lists the valid names, not a run that fails.
                    let assignment = parser.value()?.string()?;
                    Policies::default()
                        .set_assignment(&assignment)
                        .map_err(|e| e.0)?;
                    out.policies.push(assignment);
                }
                Short('q') | Long("quiet") => out.quiet = true,
                Value(file) => out.files.push(file.string()?),
                _ => return Err(arg.unexpected()),
            }
        }
        if out.files.is_empty() {
            return Err("at least one scenario FILE is needed".into());
        }
        preset.append(&mut out.policies);
        out.policies = preset;
        Ok(Command::Play(out))
    }

    fn parse_probe(parser: &mut lexopt::Parser) -> Result<Command, lexopt::Error> {
        let (mut addr, mut user, mut password) = (None, None, None);
        let (mut user2, mut password2) = (None, None);
        let mut out = ProbeArgs::new("", "", "");
        while let Some(arg) = parser.next()? {
            match arg {
                Short('h') | Long("help") => return Ok(Command::Help(Some("probe".into()))),
                Long("user") => user = Some(parser.value()?.string()?),
                Long("password") => password = Some(parser.value()?.string()?),
                Long("user2") => user2 = Some(parser.value()?.string()?),
                Long("password2") => password2 = Some(parser.value()?.string()?),
                Long("json") => out.json = true,
                Long("preset") => {
                    let name = parser.value()?.string()?;
                    Policies::preset(&name).map_err(|e| e.0)?;
                    out.preset = Some(name);
                }
                Long("timeout") => {
                    let v = parser.value()?.string()?;
                    let secs: f64 = v
                        .parse()
                        .ok()
                        .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                        .ok_or_else(|| {
                            format!("--timeout expects seconds (0 to 3600), got {v:?}")
                        })?;
                    out.timeout = std::time::Duration::from_secs_f64(secs);
                }
                Value(v) if addr.is_none() => addr = Some(v.string()?),
                _ => return Err(arg.unexpected()),
            }
        }
        out.addr = addr.ok_or("HOST:PORT is needed")?;
        if !out.addr.contains(':') {
            return Err(format!("expected HOST:PORT, got {:?}", out.addr).into());
        }
        out.user = user.ok_or("--user is needed")?;
        out.password = password.ok_or("--password is needed")?;
        out.user2 = match (user2, password2) {
            (Some(u), Some(p)) => Some((u, p)),
            (None, None) => None,
            _ => return Err("--user2 and --password2 go together".into()),
        };
        Ok(Command::Probe(out))
    }

    fn parse_probe_table(parser: &mut lexopt::Parser) -> Result<Command, lexopt::Error> {
        let mut out = TableArgs::default();
        while let Some(arg) = parser.next()? {
            match arg {
                Short('h') | Long("help") => return Ok(Command::Help(Some("probe-table".into()))),
                Long("preset") => {
                    let name = parser.value()?.string()?;
                    // Checked here, as play checks it: the error lists the valid names.
                    Policies::preset(&name).map_err(|e| e.0)?;
                    out.presets.push(name);
                }
                Value(file) => out.files.push(file.string()?),
                _ => return Err(arg.unexpected()),
            }
        }
        if out.files.is_empty() {
            return Err("at least one REPORT.json (from probe --json) is needed".into());
        }
        Ok(Command::ProbeTable(out))
    }

    fn parse_help(parser: &mut lexopt::Parser) -> Result<Command, lexopt::Error> {
        let mut command = None;
        while let Some(arg) = parser.next()? {
            match arg {
                Short('h') | Long("help") => return Ok(Command::Help(Some("help".into()))),
                Value(name) if command.is_none() => command = Some(name.string()?),
                _ => return Err(arg.unexpected()),
            }
        }
        match command.as_deref() {
            None
            | Some("serve" | "policies" | "play" | "probe" | "probe-table" | "world" | "help") => {
                Ok(Command::Help(command))
            }
            Some(other) => Err(format!("unknown command {other:?}").into()),
        }
    }

    fn serve(parsed: EngineArgs) -> i32 {
        let mut world = match &parsed.world {
            Some(f) => match world_file::load(std::path::Path::new(f)) {
                Ok(w) => w,
                Err(e) => {
                    eprintln!("imap-sandbox: --world {e}");
                    return 1;
                }
            },
            None => World::default_world(),
        };
        // Refused before anything listens: a non-loopback control address is a usage error.
        if let Some(Err(e)) = parsed.control.as_deref().map(http_control::loopback) {
            eprintln!("imap-sandbox: {e}");
            return 2;
        }
        if !parsed.users.is_empty() {
            world.users.clear();
            for (name, password) in &parsed.users {
                world = world.with_user(name, password);
            }
        }
        let engine = Server::new(world, parsed.policies);
        let tls = match parsed.tls.as_ref().map(tls_options).transpose() {
            Ok(tls) => tls,
            Err(e) => {
                eprintln!("imap-sandbox: {e}");
                return 1;
            }
        };
        let options = Options {
            trace: parsed.trace,
            tls,
        };
        let server = match TcpServer::bind(&parsed.listen, engine, options) {
            Ok(s) => s,
            Err(e) => {
                let tls_listen = parsed.tls.as_ref().map(|t| format!(" or {}", t.listen));
                let addrs = format!("{}{}", parsed.listen, tls_listen.unwrap_or_default());
                eprintln!("imap-sandbox: cannot listen on {addrs}: {e}");
                return 1;
            }
        };
        let stopper = server.stopper();
        // Ctrl-C (SIGINT): every client is sent BYE (RFC 3501 §7.1.5), then `run` returns once
        // the BYEs are written.
        if let Err(e) = ctrlc::set_handler(move || stopper.stop()) {
            eprintln!("imap-sandbox: cannot install the Ctrl-C handler: {e}");
        }
        match server.local_addr() {
            Ok(addr) => eprintln!("imap-sandbox: listening on {addr} (Ctrl-C stops)"),
            Err(_) => eprintln!("imap-sandbox: listening"),
        }
        if let Some(addr) = server.tls_addr() {
            eprintln!("imap-sandbox: implicit TLS on {addr}");
        }
        if let Some(addr) = &parsed.control {
            match http_control::spawn(addr, server.control()) {
                Ok(at) => eprintln!("imap-sandbox: control API on http://{at}/"),
                Err(e) => {
                    eprintln!("imap-sandbox: {e}");
                    return 1;
                }
            }
        }
        server.run();
        if parsed.tls.as_ref().is_some_and(|t| t.pem.is_none()) {
            let _ = std::fs::remove_file(generated_cert());
        }
        eprintln!("imap-sandbox: stopped");
        0
    }

    /// Where the self-signed certificate goes: one file per process, so parallel servers
    /// (tests) do not overwrite each other; removed when `serve` ends.
    fn generated_cert() -> std::path::PathBuf {
        std::env::temp_dir().join(format!("imap-sandbox-{}-cert.pem", std::process::id()))
    }

    /// Loads or makes the certificate, and says where it is and what its fingerprint is.
    fn tls_options(args: &TlsArgs) -> Result<TlsOptions, String> {
        let identity = match &args.pem {
            Some((cert, key)) => {
                TlsIdentity::from_pem_files(std::path::Path::new(cert), std::path::Path::new(key))?
            }
            None => TlsIdentity::self_signed(&generated_cert())?,
        };
        let made = if identity.generated {
            "self-signed for 127.0.0.1, ::1, localhost"
        } else {
            "from --cert"
        };
        eprintln!(
            "imap-sandbox: certificate {} ({made})\nimap-sandbox: SHA-256 fingerprint {}",
            identity.cert_path.display(),
            identity.fingerprint
        );
        Ok(TlsOptions {
            config: identity.config,
            listen: args.listen.clone(),
            require_tls: args.require_tls,
        })
    }

    fn print_policies() {
        let table = Policies::default().table();
        // The citations line up under the longest value name of any point.
        let width = table
            .iter()
            .flat_map(|row| row.values.iter().map(|(value, _)| value.len()))
            .max()
            .unwrap_or(0);
        println!("Decision points (default marked *):\n");
        for row in table {
            println!("{}  ({})\n    {}", row.point, row.rfc, row.summary);
            for (value, rfc) in row.values {
                let mark = if value == row.current { "*" } else { " " };
                println!("    {mark} {value:<width$} {rfc}");
            }
            println!();
        }
        println!("Presets (--preset NAME):\n");
        for p in PRESETS {
            println!("  {:<15} {:<32} {}", p.name, p.rfc, p.description);
            if !p.settings.is_empty() {
                println!("  {:<15} {}", "", p.settings.join(" "));
            }
        }
    }
}
