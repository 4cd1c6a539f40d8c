//! `palisade explain <code|name>`: a rule's documentation, from its doc comment.

use std::process::ExitCode;

use anyhow::bail;
use clap::Args;

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// A rule code (`PSS002`) or name (`pss-privileged`).
    rule: String,
}

pub(crate) fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let Some(rule) = palisade_rules::find_rule(&args.rule) else {
        bail!(
            "no rule is called `{}`; `palisade rules` lists them",
            args.rule
        );
    };
    let mut text = format!("# {} {}\n\n", rule.code, rule.name);
    text.push_str(&format!(
        "Severity: {}. Category: {}. Standards: {}.\n\n",
        rule.severity,
        rule.category,
        rule.standards.join("; ")
    ));
    text.push_str(&rule.documentation());
    super::write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
