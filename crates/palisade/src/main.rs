//! The `palisade` command line: argument parsing and dispatch to one file per command.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Kubernetes security from the manifest in a pull request to the pod in production.
#[derive(Debug, Parser)]
#[command(name = "palisade", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check manifests (files, directories, or `-` for stdin) against the rules.
    Scan(commands::scan::ScanArgs),
    /// Check what runs in a live cluster (kubeconfig or in-cluster), with the same rules.
    Audit(commands::audit::AuditArgs),
    /// Who may make a request, and through which binding and role (RBAC, exactly as the API
    /// server decides it), from manifests (`-f`) or the live cluster.
    WhoCan(commands::rbac::WhoCanArgs),
    /// What a subject (`user:NAME`, `group:NAME`, `sa:NAMESPACE/NAME`) may do: its rules,
    /// merged, by namespace, from manifests (`-f`) or the live cluster.
    Can(commands::rbac::CanArgs),
    /// Who can become cluster-admin through their permissions, and how, step by step (pods
    /// run as other service accounts, tokens, impersonation, binding, certificates).
    Paths(commands::rbac::PathsArgs),
    /// List every rule.
    Rules(commands::rules::RulesArgs),
    /// Print a rule's documentation.
    Explain(commands::explain::ExplainArgs),
    /// Write a commented `.palisade.yaml` with the defaults.
    Init(commands::init::InitArgs),
    /// Print the manifests that run Palisade as an admission webhook in a cluster.
    Install(commands::install::InstallArgs),
    /// Run the admission webhook (HTTPS; `POST /validate`).
    Serve(commands::serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => commands::scan::run(&args),
        Command::Audit(args) => commands::audit::run(&args),
        Command::WhoCan(args) => commands::rbac::who_can(&args),
        Command::Can(args) => commands::rbac::can(&args),
        Command::Paths(args) => commands::rbac::paths(&args),
        Command::Rules(args) => commands::rules::run(&args),
        Command::Explain(args) => commands::explain::run(&args),
        Command::Init(args) => commands::init::run(&args),
        Command::Install(args) => commands::install::run(&args),
        Command::Serve(args) => commands::serve::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            // Only commands without a verdict get here with a closed pipe: `scan` answers
            // with its findings' exit code itself.
            if commands::is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("palisade: error: {error:#}");
            ExitCode::from(commands::EXIT_ERROR)
        }
    }
}
