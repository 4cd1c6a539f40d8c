//! The rule reference under `docs/rules/`, generated from the rules' doc comments so it can never
//! say something the code does not.

use crate::registry::RULES;
use crate::rule::{Check, RuleDef};

/// The page of one rule (`docs/rules/<name>.md`).
pub fn rule_page(rule: &RuleDef) -> String {
    let mut page = format!("# {} `{}`\n\n", rule.code, rule.name);
    page.push_str(&format!("{}.\n\n", rule.summary));
    page.push_str("| | |\n| --- | --- |\n");
    page.push_str(&format!("| Code | `{}` |\n", rule.code));
    page.push_str(&format!("| Category | {} |\n", rule.category));
    page.push_str(&format!("| Default severity | {} |\n", rule.severity));
    page.push_str(&format!("| Looks at | {} |\n", target(&rule.check)));
    if let Some(check) = rule.pss_check() {
        let revisions: Vec<String> = check.revisions.iter().map(|m| format!("v1.{m}")).collect();
        page.push_str(&format!(
            "| Pod Security Standards | `{}` ({}; revisions {}) |\n",
            check.id,
            check.level,
            revisions.join(", ")
        ));
    }
    if !rule.standards.is_empty() {
        page.push_str(&format!("| Standards | {} |\n", rule.standards.join("; ")));
    }
    page.push('\n');
    page.push_str(&rule.documentation());
    page.push_str(&format!(
        "\nSuppress it for an object with the annotation `palisade.dev/ignore: \"{}\"` (and a \
         `palisade.dev/ignore-reason`), or with an exception in `.palisade.yaml`.",
        rule.name
    ));
    if matches!(rule.check, Check::Pss(_) | Check::Pod(_)) {
        page.push_str(
            " On a workload (Deployment, Job, ...) the annotation goes on its pod template \
             (`spec.template.metadata.annotations`), which its pods carry.",
        );
    }
    page.push('\n');
    page
}

fn target(check: &Check) -> String {
    match check {
        Check::Pss(_) | Check::Pod(_) => "every object that runs pods".to_string(),
        Check::Object { kinds: [], .. } => "every object".to_string(),
        Check::Object { kinds, .. } => kinds.join(", "),
        Check::Set {
            kinds, workloads, ..
        } => {
            let mut what: Vec<&str> = kinds.to_vec();
            if *workloads {
                what.push("workloads");
            }
            format!("the whole input ({})", what.join(", "))
        }
    }
}

/// The index page (`docs/rules/README.md`).
pub fn index_page() -> String {
    let mut page = String::from(
        "# Rule reference\n\nGenerated from the rules' doc comments (`palisade explain <rule>` prints the same \
         text); a test fails when these pages are stale. Regenerate them with\n\
         `UPDATE_RULE_DOCS=1 cargo test -p palisade-rules --test rule_docs`.\n\n\
         | Code | Name | Category | Severity | Summary |\n| --- | --- | --- | --- | --- |\n",
    );
    for rule in RULES {
        page.push_str(&format!(
            "| {} | [{}]({}.md) | {} | {} | {} |\n",
            rule.code, rule.name, rule.name, rule.category, rule.severity, rule.summary
        ));
    }
    page
}
