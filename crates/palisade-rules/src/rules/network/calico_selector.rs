//! Calico's selector language (`spec.selector` and `spec.namespaceSelector` of Calico network
//! policies), parsed and evaluated against labels as Calico's `lib/selector` does.
//!
//! The grammar: `all()`, `global()`, `has(k)`, `k == "v"`, `k != "v"`, `k in {"a", "b"}`,
//! `k not in {...}`, `k contains "s"`, `k starts with "s"`, `k ends with "s"`, `!e`, `e && e`,
//! `e || e` and parentheses; strings in single or double quotes. `&&` binds tighter than `||`.
//! An empty selector is `all()`. A negated test (`!=`, `not in`, `!has`) holds for a missing
//! label, as in Calico.

/// Why a selector could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SelectorError {
    /// Something other than what the grammar allows at this byte offset.
    #[error("unexpected {found} at offset {at}")]
    Unexpected {
        /// What was found instead (`end of selector`, a character, a word).
        found: String,
        at: usize,
    },
    /// A quoted string that never closes.
    #[error("unterminated string at offset {0}")]
    UnterminatedString(usize),
    /// Parentheses nested deeper than any real selector would; refused to bound the recursion.
    #[error("selector nested too deeply")]
    TooDeep,
}

/// A parsed selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selector {
    All,
    /// Matches only non-namespaced resources (host endpoints, global sets), never a pod.
    Global,
    Has(String),
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Contains(String, String),
    StartsWith(String, String),
    EndsWith(String, String),
    Not(Box<Selector>),
    And(Box<Selector>, Box<Selector>),
    Or(Box<Selector>, Box<Selector>),
}

/// Deeper nesting is refused: the parser recurses once per level.
const MAX_DEPTH: usize = 64;

impl Selector {
    pub(crate) fn parse(text: &str) -> Result<Self, SelectorError> {
        let mut parser = Parser {
            text,
            at: 0,
            depth: 0,
        };
        parser.skip_space();
        if parser.at == text.len() {
            return Ok(Self::All);
        }
        let selector = parser.or()?;
        parser.skip_space();
        match parser.peek() {
            None => Ok(selector),
            Some(_) => Err(parser.unexpected()),
        }
    }

    /// The label keys the selector reads.
    pub(crate) fn keys(&self) -> Vec<&str> {
        let mut keys = Vec::new();
        self.collect_keys(&mut keys);
        keys
    }

    fn collect_keys<'s>(&'s self, keys: &mut Vec<&'s str>) {
        match self {
            Self::All | Self::Global => {}
            Self::Has(key)
            | Self::Equals(key, _)
            | Self::NotEquals(key, _)
            | Self::In(key, _)
            | Self::NotIn(key, _)
            | Self::Contains(key, _)
            | Self::StartsWith(key, _)
            | Self::EndsWith(key, _) => keys.push(key),
            Self::Not(inner) => inner.collect_keys(keys),
            Self::And(a, b) | Self::Or(a, b) => {
                a.collect_keys(keys);
                b.collect_keys(keys);
            }
        }
    }

    /// Whether a resource with these labels (looked up by key) is selected.
    pub(crate) fn matches<'l>(&self, label: &dyn Fn(&str) -> Option<&'l str>) -> bool {
        match self {
            Self::All => true,
            Self::Global => false,
            Self::Has(key) => label(key).is_some(),
            Self::Equals(key, value) => label(key) == Some(value.as_str()),
            Self::NotEquals(key, value) => label(key) != Some(value.as_str()),
            Self::In(key, values) => label(key).is_some_and(|v| values.iter().any(|w| w == v)),
            Self::NotIn(key, values) => label(key).is_none_or(|v| values.iter().all(|w| w != v)),
            Self::Contains(key, part) => label(key).is_some_and(|v| v.contains(part.as_str())),
            Self::StartsWith(key, part) => label(key).is_some_and(|v| v.starts_with(part.as_str())),
            Self::EndsWith(key, part) => label(key).is_some_and(|v| v.ends_with(part.as_str())),
            Self::Not(inner) => !inner.matches(label),
            Self::And(a, b) => a.matches(label) && b.matches(label),
            Self::Or(a, b) => a.matches(label) || b.matches(label),
        }
    }
}

struct Parser<'t> {
    text: &'t str,
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        self.text.get(self.at..).unwrap_or_default()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn unexpected(&self) -> SelectorError {
        let found = match self.peek() {
            None => "end of selector".to_string(),
            Some(c) => format!("`{c}`"),
        };
        SelectorError::Unexpected { found, at: self.at }
    }

    /// Consumes `token` (after spaces) if it comes next.
    fn eat(&mut self, token: &str) -> bool {
        self.skip_space();
        if self.rest().starts_with(token) {
            self.at += token.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &str) -> Result<(), SelectorError> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn or(&mut self) -> Result<Selector, SelectorError> {
        let mut left = self.and()?;
        while self.eat("||") {
            left = Selector::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Selector, SelectorError> {
        let mut left = self.unary()?;
        while self.eat("&&") {
            left = Selector::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Selector, SelectorError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SelectorError::TooDeep);
        }
        let result = self.unary_inner();
        self.depth -= 1;
        result
    }

    fn unary_inner(&mut self) -> Result<Selector, SelectorError> {
        if self.eat("!") {
            return Ok(Selector::Not(Box::new(self.unary()?)));
        }
        if self.eat("(") {
            let inner = self.or()?;
            self.expect(")")?;
            return Ok(inner);
        }
        // As Calico's tokenizer: a call's `(` follows its name at once; `has (x)` is the key
        // `has` followed by a parenthesis, which is an error.
        for (call, selector) in [("all(", Selector::All), ("global(", Selector::Global)] {
            let start = self.at;
            if self.eat(call) && self.eat(")") {
                return Ok(selector);
            }
            self.at = start;
        }
        let start = self.at;
        if self.eat("has(") {
            let key = self.key()?;
            self.expect(")")?;
            return Ok(Selector::Has(key));
        }
        self.at = start;
        self.comparison()
    }

    /// After a key, Calico's tokenizer reads an operator by its first letters, with no word
    /// boundary: `a notin {...}` and `a startswith "x"` are valid.
    fn comparison(&mut self) -> Result<Selector, SelectorError> {
        let key = self.key()?;
        if self.eat("==") {
            return Ok(Selector::Equals(key, self.string()?));
        }
        if self.eat("!=") {
            return Ok(Selector::NotEquals(key, self.string()?));
        }
        if self.eat("contains") {
            return Ok(Selector::Contains(key, self.string()?));
        }
        for (first, second) in ["starts", "ends", "not"]
            .into_iter()
            .zip(["with", "with", "in"])
        {
            if self.eat(first) {
                if !self.eat(second) {
                    return Err(self.unexpected());
                }
                return Ok(match first {
                    "starts" => Selector::StartsWith(key, self.string()?),
                    "ends" => Selector::EndsWith(key, self.string()?),
                    _ => Selector::NotIn(key, self.set()?),
                });
            }
        }
        if self.eat("in") {
            return Ok(Selector::In(key, self.set()?));
        }
        Err(self.unexpected())
    }

    fn key(&mut self) -> Result<String, SelectorError> {
        self.skip_space();
        let rest = self.rest();
        let len = rest.find(|c: char| !is_key_char(c)).unwrap_or(rest.len());
        if len == 0 {
            return Err(self.unexpected());
        }
        let key = rest[..len].to_string();
        self.at += len;
        Ok(key)
    }

    fn string(&mut self) -> Result<String, SelectorError> {
        self.skip_space();
        let start = self.at;
        let quote = match self.peek() {
            Some(q @ ('"' | '\'')) => q,
            _ => return Err(self.unexpected()),
        };
        let body = &self.rest()[1..];
        let Some(end) = body.find(quote) else {
            return Err(SelectorError::UnterminatedString(start));
        };
        let value = body[..end].to_string();
        self.at += end + 2;
        Ok(value)
    }

    fn set(&mut self) -> Result<Vec<String>, SelectorError> {
        self.expect("{")?;
        let mut values = Vec::new();
        if self.eat("}") {
            return Ok(values);
        }
        // As Calico: a comma may end the list (`{'a',}`), but not stand alone (`{,}`).
        loop {
            values.push(self.string()?);
            if self.eat("}") {
                return Ok(values);
            }
            self.expect(",")?;
            if self.eat("}") {
                return Ok(values);
            }
        }
    }
}

/// Characters of a label key (Kubernetes' prefix and name characters).
fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels<'l>(pairs: &'l [(&'l str, &'l str)]) -> impl Fn(&str) -> Option<&'l str> {
        move |key| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    #[test]
    fn selectors_match_as_calico_does() {
        let pod = [("app", "web"), ("tier", "frontend"), ("team", "shop-core")];
        let label = labels(&pod);
        let cases = [
            ("", true),
            ("   ", true),
            ("all()", true),
            ("global()", false),
            ("app == 'web'", true),
            ("app == \"web\"", true),
            ("app=='db'", false),
            ("app != 'db'", true),
            ("app != 'web'", false),
            ("missing != 'web'", true),
            ("has(tier)", true),
            ("has(missing)", false),
            ("!has(missing)", true),
            ("!has(app)", false),
            ("app in {'db', 'web'}", true),
            ("app in {'db'}", false),
            ("app in {}", false),
            ("app not in {'db'}", true),
            ("app not in {'web'}", false),
            ("missing not in {'web'}", true),
            ("team contains 'core'", true),
            ("team starts with 'shop'", true),
            ("team ends with 'shop'", false),
            ("app == 'web' && tier == 'frontend'", true),
            ("app == 'web' && tier == 'backend'", false),
            ("app == 'db' || tier == 'frontend'", true),
            ("app == 'db' || tier == 'backend'", false),
            // && binds tighter than ||
            ("app == 'db' && tier == 'x' || has(team)", true),
            ("app == 'db' && (tier == 'x' || has(team))", false),
            ("!(app == 'db' || tier == 'backend')", true),
            ("((all()))", true),
            ("projectcalico.org/namespace == 'shop'", false),
            ("has(app) && !has(projectcalico.org/namespace)", true),
        ];
        for (text, want) in cases {
            let selector = Selector::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(selector.matches(&label), want, "{text}");
        }
    }

    #[test]
    fn keys_are_every_label_a_selector_reads() {
        let selector = Selector::parse("all() && !(a == 'x' || has(b)) && c not in {'y'}")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(selector.keys(), ["a", "b", "c"]);
        assert!(Selector::All.keys().is_empty());
    }

    #[test]
    fn keywords_are_read_as_calicos_tokenizer_reads_them() {
        // `index` is a key that starts with `in`, `hasher` one that starts with `has`; after
        // a key, operators are read by their first letters; a call's parenthesis follows its
        // name at once; a set may end with a comma. Each was a disagreement with Calico's
        // library in the differential run.
        let pod = [
            ("index", "1"),
            ("hasher", "x"),
            ("allow", "y"),
            ("not", "n"),
        ];
        let label = labels(&pod);
        for text in [
            "index == '1'",
            "hasher == 'x'",
            "allow == 'y'",
            "index notin {'2'}",
            "hasher startswith 'x'",
            "allow in {'y',}",
            "not in {'n'}",
        ] {
            let selector = Selector::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert!(selector.matches(&label), "{text}");
        }
        for text in ["has (index)", "all ()", "index in {,}"] {
            assert!(Selector::parse(text).is_err(), "{text} parsed");
        }
    }

    #[test]
    fn malformed_selectors_are_errors() {
        for text in [
            "app ==",
            "app == web",
            "app = 'web'",
            "app == 'web",
            "app in 'web'",
            "app in {'a' 'b'}",
            "(app == 'web'",
            "app == 'web')",
            "has(app",
            "&& app == 'web'",
            "app == 'web' &&",
            "app not 'web'",
            "app starts 'w'",
            "all",
            "app",
            "é == 'x'",
        ] {
            assert!(Selector::parse(text).is_err(), "{text} parsed");
        }
        let deep = format!("{}all(){}", "(".repeat(200), ")".repeat(200));
        assert_eq!(Selector::parse(&deep), Err(SelectorError::TooDeep));
    }

    /// One selector judged by Calico's own library (`testenv/calico`).
    #[derive(serde::Deserialize)]
    struct Judged {
        selector: String,
        labels: std::collections::HashMap<String, String>,
        valid: bool,
        matches: bool,
    }

    /// Calico's library and this parser agree on every judged selector: whether it parses,
    /// and whether it matches the labels. With `PALISADE_CALICO_DIFFERENTIAL` pointing at a
    /// JSONL file (`testenv/calico/run.sh`), that file is judged; otherwise the committed
    /// sample and regressions in `tests/fixtures/calico-differential/`.
    #[test]
    fn agrees_with_calicos_library() {
        let files: Vec<std::path::PathBuf> = match std::env::var_os("PALISADE_CALICO_DIFFERENTIAL")
        {
            Some(path) => vec![path.into()],
            None => {
                let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/calico-differential");
                let mut files: Vec<_> = std::fs::read_dir(&dir)
                    .expect("the committed sample")
                    .filter_map(|e| Some(e.ok()?.path()))
                    .collect();
                files.sort();
                files
            }
        };
        let mut records = 0;
        let mut disagreements = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).expect("a judged file");
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let judged: Judged = serde_json::from_str(line).expect("a judged record");
                records += 1;
                let ours = Selector::parse(&judged.selector)
                    .ok()
                    .map(|s| s.matches(&|key| judged.labels.get(key).map(String::as_str)));
                let theirs = judged.valid.then_some(judged.matches);
                if ours != theirs {
                    disagreements.push(format!(
                        "{:?} on {:?}: Calico {theirs:?}, Palisade {ours:?}",
                        judged.selector, judged.labels
                    ));
                }
            }
        }
        println!(
            "Calico selector differential: {records} records, {} disagreements",
            disagreements.len()
        );
        assert!(records > 0, "no records in {files:?}");
        assert!(
            disagreements.is_empty(),
            "{}",
            disagreements[..disagreements.len().min(40)].join("\n")
        );
    }
}
