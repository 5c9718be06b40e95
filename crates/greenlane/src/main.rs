//! The `greenlane` command line: one binary for every role (INTERFACES.md §1). Thin: it parses
//! arguments and hands over to the library crates.

mod check;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// greenlane: the clearance hub for cross-border e-commerce exports. It receives each parcel's
/// order, waybill and declaration list as China Customs CEB messages, checks and screens them,
/// releases the clean majority at once and routes the rest to officers.
#[derive(Debug, Parser)]
#[command(name = "greenlane", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the clearance hub (HTTP API, receipts, decisions).
    Serve {
        #[command(flatten)]
        store: StoreArgs,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Refuse messages from enterprise codes not yet registered (−10102).
        #[arg(long)]
        closed_registry: bool,
    },
    /// Run a simulated Shenzhen day through a fresh embedded store and show the result.
    Demo {
        /// Number of parcels to simulate.
        #[arg(long)]
        parcels: Option<u64>,
        /// Seed of the simulation.
        #[arg(long)]
        seed: Option<u64>,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// Write simulated CEB traffic and its truth file.
    Simulate {
        #[arg(long)]
        parcels: u64,
        #[arg(long)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Run message files or folders, in name order, through the clearance pipeline offline.
    Ingest {
        #[command(flatten)]
        store: StoreArgs,
        /// Message files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Print one Decision per declaration list.
    Decisions {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long, default_value = "jsonl")]
        format: String,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Read CEB message files and report, per file, whether each is a valid message and what is
    /// wrong with it if not (an integrator's pre-flight check).
    Check(check::CheckArgs),
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Print a new API token.
    Create {
        #[arg(long, value_enum)]
        role: Role,
        #[arg(long)]
        name: String,
        /// The enterprise (ebcCode) an `enterprise` token belongs to.
        #[arg(long)]
        ebc: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Role {
    Admin,
    Officer,
    Enterprise,
    Viewer,
}

/// Where the store lives: embedded by default, PostgreSQL when a URL is given.
#[derive(Debug, Args)]
struct StoreArgs {
    /// Folder of the embedded store.
    #[arg(long, default_value = "./greenlane-data", conflicts_with = "database")]
    data: PathBuf,
    /// PostgreSQL URL (postgres://…).
    #[arg(long)]
    database: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Serve { .. } => not_built("serve", 3),
        Command::Demo { .. } => not_built("demo", 4),
        Command::Simulate { .. } => not_built("simulate", 4),
        Command::Ingest { .. } => not_built("ingest", 3),
        Command::Decisions { .. } => not_built("decisions", 3),
        Command::Token { command: TokenCommand::Create { .. } } => not_built("token create", 3),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("greenlane: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Commands of the contract that later issues build: they say so, and exit with status 2 so
/// that scripts can tell "not there yet" from a failure.
fn not_built(command: &str, issue: u32) -> anyhow::Result<ExitCode> {
    eprintln!(
        "greenlane {command}: not built yet (issue #{issue}). What works today: `greenlane check FILE…` reads \
         CEB messages and reports what is wrong with them. See `greenlane --help`."
    );
    Ok(ExitCode::from(2))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
