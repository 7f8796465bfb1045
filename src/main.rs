//! The `imap-sandbox` command: the native front end.
//!
//! ```text
//! imap-sandbox serve [--listen ADDR] [--user NAME:PASSWORD]... [--policy NAME=VALUE]...
//!                    [--preset NAME] [--trace]
//! imap-sandbox policies
//! imap-sandbox play FILE... [--policy NAME=VALUE]...
//! ```

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::run(std::env::args().skip(1).collect()));
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use imap_sandbox::native::tcp::{Options, TcpServer};
    use imap_sandbox::server::policy::PRESETS;
    use imap_sandbox::server::{Policies, Server, World};

    const USAGE: &str = "\
usage:
  imap-sandbox serve [--listen ADDR] [--user NAME:PASSWORD]... [--policy NAME=VALUE]...
                     [--preset NAME] [--trace]
      Runs the IMAP server (default 127.0.0.1:1143). Without --user, the default world's
      users alice, bob and carol log in with their own names as passwords.
  imap-sandbox policies
      Lists every decision point, its values and presets, with RFC citations.
  imap-sandbox play FILE... [--policy NAME=VALUE]... [--quiet]
      Plays scenarios (scenarios/*.imap) under every value of their varied decision point,
      or the one --policy names; prints the transcripts; exits 1 if an expectation failed.
";

    pub fn run(args: Vec<String>) -> i32 {
        match args.first().map(String::as_str) {
            Some("serve") => serve(&args[1..]),
            Some("play") => imap_sandbox::native::play::run(&args[1..]),
            Some("policies") => {
                print_policies();
                0
            }
            Some("-h" | "--help" | "help") => {
                print!("{USAGE}");
                0
            }
            _ => {
                eprint!("{USAGE}");
                2
            }
        }
    }

    /// Options shared by the commands that run an engine.
    struct EngineArgs {
        policies: Policies,
        users: Vec<(String, String)>,
        listen: String,
        trace: bool,
    }

    fn parse_engine_args(args: &[String]) -> Result<EngineArgs, String> {
        let mut out = EngineArgs {
            policies: Policies::default(),
            users: Vec::new(),
            listen: "127.0.0.1:1143".to_string(),
            trace: false,
        };
        let mut it = args.iter();
        // Presets apply first, so --policy can adjust one.
        let mut assignments = Vec::new();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match arg.as_str() {
                "--listen" => out.listen = value("--listen")?,
                "--user" => {
                    let v = value("--user")?;
                    let (name, password) = v
                        .split_once(':')
                        .ok_or_else(|| format!("--user expects NAME:PASSWORD, got {v:?}"))?;
                    out.users.push((name.to_string(), password.to_string()));
                }
                "--policy" => assignments.push(value("--policy")?),
                "--preset" => {
                    out.policies = Policies::preset(&value("--preset")?).map_err(|e| e.0)?;
                }
                "--trace" => out.trace = true,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        for a in assignments {
            out.policies.set_assignment(&a).map_err(|e| e.0)?;
        }
        Ok(out)
    }

    fn serve(args: &[String]) -> i32 {
        let parsed = match parse_engine_args(args) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("imap-sandbox: {e}\n\n{USAGE}");
                return 2;
            }
        };
        let mut world = World::default_world();
        if !parsed.users.is_empty() {
            world.users.clear();
            for (name, password) in &parsed.users {
                world = world.with_user(name, password);
            }
        }
        let engine = Server::new(world, parsed.policies);
        let server = match TcpServer::bind(
            &parsed.listen,
            engine,
            Options {
                trace: parsed.trace,
            },
        ) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("imap-sandbox: cannot listen on {}: {e}", parsed.listen);
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
        server.run();
        eprintln!("imap-sandbox: stopped");
        0
    }

    fn print_policies() {
        let table = Policies::default().table();
        println!("Decision points (default marked *):\n");
        for row in table {
            println!("{}  ({})\n    {}", row.point, row.rfc, row.summary);
            for (value, rfc) in row.values {
                let mark = if value == row.current { "*" } else { " " };
                println!("    {mark} {value:<16} {rfc}");
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
