//! `palisade paths`: who can become cluster-admin, and how, step by step.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{anyhow, bail};
use clap::Args;
use palisade_model::PodTemplates;
use palisade_rbac::paths::{Accounts, Graph, Path, subjects};
use palisade_rbac::{Policy, Subject};
use serde::Serialize;

use super::{Format, PolicySource, load_objects};
use crate::commands::{EXIT_CLEAN, write_stdout};

#[derive(Debug, Args)]
pub(crate) struct PathsArgs {
    /// Where the paths lead; only `cluster-admin` for now.
    #[arg(long, default_value = "cluster-admin", value_name = "TARGET")]
    to: String,

    /// Only the path from this subject (`user:NAME`, `group:NAME`, `sa:NAMESPACE/NAME`);
    /// every subject the bindings name and every known service account by default.
    #[arg(long, value_name = "SUBJECT")]
    from: Option<String>,

    /// Also list the subjects that are cluster-admin already (bound to it, or to `*` on
    /// everything), in one step.
    #[arg(long)]
    include_direct: bool,

    /// Also start from the subjects only Kubernetes' own bindings name: the control plane's
    /// components and controllers, which can reach cluster-admin by design.
    #[arg(long)]
    include_system: bool,

    #[command(flatten)]
    source: PolicySource,
}

#[derive(Serialize)]
struct Answer {
    to: String,
    paths: Vec<Path>,
}

pub(crate) fn run(args: &PathsArgs) -> anyhow::Result<ExitCode> {
    if args.to != "cluster-admin" {
        bail!("--to: only cluster-admin is a target so far");
    }
    let from = args
        .from
        .as_deref()
        .map(Subject::parse)
        .transpose()
        .map_err(|e| anyhow!("{e}"))?;
    let (objects, defaults) = load_objects(
        &args.source,
        &["serviceaccounts", "pods", "namespaces", "secrets"],
    )?;
    let policy = Policy::from_objects(&objects, defaults);
    let accounts = Accounts::from_objects(&objects, PodTemplates::built_in());
    let mut graph = Graph::new(&policy, &accounts);
    let sources = match &from {
        Some(subject) => vec![subject.clone()],
        None => subjects(&policy, &accounts, args.include_system),
    };
    let mut paths: Vec<Path> = graph
        .paths_to_admin(&sources)
        .into_iter()
        .filter(|p| from.is_some() || args.include_direct || p.steps.len() > 1 || !is_direct(p))
        .collect();
    paths.sort_by(|a, b| {
        a.steps
            .len()
            .cmp(&b.steps.len())
            .then_with(|| a.from.cmp(&b.from))
    });
    let answer = Answer {
        to: args.to.clone(),
        paths,
    };
    let text = match args.source.format {
        Format::Json => serde_json::to_string_pretty(&answer)? + "\n",
        Format::Text => render(&answer),
    };
    write_stdout(&text)?;
    Ok(ExitCode::from(EXIT_CLEAN))
}

/// A subject that simply holds everything: cluster-admin by design, not by escalation.
fn is_direct(path: &Path) -> bool {
    path.steps
        .first()
        .is_some_and(|s| s.technique == "holds-everything")
}

fn render(answer: &Answer) -> String {
    let mut out = String::new();
    if answer.paths.is_empty() {
        let _ = writeln!(
            out,
            "No subject can become {} through its permissions.",
            answer.to
        );
        return out;
    }
    for path in &answer.paths {
        let steps = path.steps.len();
        let plural = if steps == 1 { "step" } else { "steps" };
        let _ = writeln!(
            out,
            "{} can become {} in {steps} {plural}:",
            path.from, answer.to
        );
        let mut at = path.from.to_string();
        for step in &path.steps {
            let _ = writeln!(
                out,
                "  {at} → {}: {} [{}]",
                step.to, step.how, step.technique
            );
            for grant in &step.grants {
                let _ = writeln!(out, "      via {} → {}", grant.binding, grant.role);
            }
            at = step.to.to_string();
        }
    }
    let _ = writeln!(
        out,
        "{} subjects can become {}",
        answer.paths.len(),
        answer.to
    );
    out
}
