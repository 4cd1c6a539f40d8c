//! Container image references, read by the grammar of `distribution/reference` and normalised as
//! Docker and containerd do: a reference without a registry is on Docker Hub (`docker.io`), and a
//! one-component Docker Hub path is an official image under `library/`.
//!
//! ```text
//! reference := name [ ":" tag ] [ "@" digest ]
//! name      := [ domain "/" ] path-component [ "/" path-component ]*
//! domain    := host [ ":" port ]          host: DNS name, IPv4 or [IPv6]
//! tag       := [\w][\w.-]{0,127}
//! digest    := algorithm ":" hex          sha256 needs 64 lowercase hex digits
//! ```
//!
//! The first path segment is a registry only when it contains `.` or `:`, is `localhost`, or has
//! an upper-case letter; `acme/app` is the Docker Hub repository `acme/app`.

/// Docker Hub's canonical registry name.
pub(crate) const DOCKER_HUB: &str = "docker.io";

/// Names Docker Hub is reached by: the canonical one, the legacy index and the API host.
const DOCKER_HUB_ALIASES: [&str; 3] = [DOCKER_HUB, "index.docker.io", "registry-1.docker.io"];

/// A parsed image reference; slices of the reference as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// The registry host (with its port), as written; `docker.io` when the reference has none.
    pub(crate) registry: &'a str,
    /// Whether the reference names its registry.
    pub(crate) explicit_registry: bool,
    /// The repository path without the registry, as written (`nginx`, `acme/app`).
    pub(crate) path: &'a str,
    pub(crate) tag: Option<&'a str>,
    /// `algorithm:hex`.
    pub(crate) digest: Option<&'a str>,
}

/// Why an `image` field is not a reference the rules can judge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NotAReference {
    /// Empty or only whitespace.
    Empty,
    /// Contains `$(VAR)`, `${VAR}` or `{{ }}`: a template that something else fills in.
    Templated,
    /// Not valid by the reference grammar; the kubelet would refuse it (`InvalidImageName`).
    Invalid,
}

impl<'a> ImageRef<'a> {
    pub(crate) fn parse(image: &'a str) -> Result<Self, NotAReference> {
        if image.trim().is_empty() {
            return Err(NotAReference::Empty);
        }
        if ["$(", "${", "{{"].iter().any(|t| image.contains(t)) {
            return Err(NotAReference::Templated);
        }
        parse_reference(image).ok_or(NotAReference::Invalid)
    }

    /// Whether the image is pulled from Docker Hub.
    pub(crate) fn is_docker_hub(&self) -> bool {
        is_docker_hub_host(self.registry)
    }

    /// The path as the registry knows it: official Docker Hub images gain `library/`.
    pub(crate) fn normalized_path(&self) -> std::borrow::Cow<'a, str> {
        if self.is_docker_hub() && !self.path.contains('/') {
            std::borrow::Cow::Owned(format!("library/{}", self.path))
        } else {
            std::borrow::Cow::Borrowed(self.path)
        }
    }

    /// Whether `:latest` is what gets pulled: no digest, and no tag or the tag `latest`.
    pub(crate) fn floats_on_latest(&self) -> bool {
        self.digest.is_none() && self.tag.is_none_or(|t| t == "latest")
    }

    /// Whether an allow-list entry covers this image. An entry is a registry (`ghcr.io`,
    /// `registry.local:5000`) or a registry with a path prefix (`ghcr.io/acme`), matched on whole
    /// path segments. Registry names compare case-insensitively and with Docker Hub's aliases
    /// as one; a port is part of the registry's identity.
    pub(crate) fn allowed_by(&self, entry: &str) -> bool {
        let entry = entry.trim();
        let entry = entry
            .strip_prefix("https://")
            .or_else(|| entry.strip_prefix("http://"))
            .unwrap_or(entry);
        let entry = entry.trim_end_matches('/');
        if entry.is_empty() {
            return false;
        }
        let (host, prefix) = entry.split_once('/').unwrap_or((entry, ""));
        if !same_registry(host, self.registry) {
            return false;
        }
        let prefix = prefix.trim_matches('/');
        prefix.is_empty()
            || under_prefix(self.path, prefix)
            || under_prefix(&self.normalized_path(), prefix)
    }
}

impl std::fmt::Display for NotAReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Empty => "empty",
            Self::Templated => "templated",
            Self::Invalid => "invalid",
        })
    }
}

pub(crate) fn is_docker_hub_host(host: &str) -> bool {
    DOCKER_HUB_ALIASES
        .iter()
        .any(|alias| alias.eq_ignore_ascii_case(host))
}

fn same_registry(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || (is_docker_hub_host(a) && is_docker_hub_host(b))
}

fn under_prefix(path: &str, prefix: &str) -> bool {
    let (path, prefix) = (path.as_bytes(), prefix.as_bytes());
    path.len() >= prefix.len()
        && path
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        && matches!(path.get(prefix.len()), None | Some(b'/'))
}

fn parse_reference(image: &str) -> Option<ImageRef<'_>> {
    let (rest, digest) = match image.split_once('@') {
        Some((rest, digest)) => (rest, Some(valid_digest(digest)?)),
        None => (image, None),
    };
    let last_slash = rest.rfind('/');
    let (name, tag) = match rest.rfind(':') {
        Some(colon) if last_slash.is_none_or(|slash| colon > slash) => (
            rest.get(..colon)?,
            Some(rest.get(colon + 1..).filter(|t| valid_tag(t))?),
        ),
        _ => (rest, None),
    };
    if name.is_empty() || name.len() > 255 {
        return None;
    }
    // A bare 64-hex-digit string is an image ID, which the reference parser refuses as a name.
    if digest.is_none()
        && tag.is_none()
        && name.len() == 64
        && name.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return None;
    }
    let (registry, explicit_registry, path) = split_registry(name);
    if !(valid_domain(registry) && !path.is_empty() && path.split('/').all(valid_path_component)) {
        return None;
    }
    Some(ImageRef {
        registry,
        explicit_registry,
        path,
        tag,
        digest,
    })
}

/// Docker's `splitDockerDomain`: the first segment is a registry when it looks like a host.
fn split_registry(name: &str) -> (&str, bool, &str) {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.bytes().any(|b| b.is_ascii_uppercase()) =>
        {
            (first, true, rest)
        }
        _ => (DOCKER_HUB, false, name),
    }
}

fn valid_digest(digest: &str) -> Option<&str> {
    let (algorithm, hex) = digest.split_once(':')?;
    let algorithm_ok = !algorithm.is_empty()
        && algorithm.split(['+', '.', '_', '-']).all(|component| {
            let mut chars = component.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric())
        });
    // The grammar admits any algorithm, but the runtimes verify only the registered ones; a
    // digest they cannot verify pins nothing.
    let hex_ok = digest_length(algorithm).is_some_and(|length| {
        hex.len() == length && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    });
    (algorithm_ok && hex_ok).then_some(digest)
}

/// Hex digits of the digest algorithms container runtimes verify (the OCI image spec's
/// registered algorithms).
fn digest_length(algorithm: &str) -> Option<usize> {
    match algorithm {
        "sha256" => Some(64),
        "sha384" => Some(96),
        "sha512" => Some(128),
        _ => None,
    }
}

/// Why a digest (`algorithm:hex`) is not one a runtime verifies, in words; `None` if it is.
pub(crate) fn digest_problem(digest: &str) -> Option<String> {
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return Some(format!("digest `{digest}` has no algorithm (`sha256:...`)"));
    };
    let Some(length) = digest_length(algorithm) else {
        return Some(format!(
            "digest algorithm `{algorithm}` is not one runtimes verify (sha256, sha384, sha512)"
        ));
    };
    let lower_hex = hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    (hex.len() != length || !lower_hex).then(|| {
        format!(
            "a {algorithm} digest has {length} lowercase hex digits, this one has {} characters{}",
            hex.len(),
            if lower_hex {
                ""
            } else {
                " that are not all lowercase hex"
            }
        )
    })
}

fn valid_tag(tag: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut bytes = tag.bytes();
    tag.len() <= 128
        && bytes.next().is_some_and(word)
        && bytes.all(|b| word(b) || b == b'.' || b == b'-')
}

/// `host[:port]` where host is a DNS name, an IPv4 address or a bracketed IPv6 address.
fn valid_domain(domain: &str) -> bool {
    let valid_port = |port: &str| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    if let Some(after_bracket) = domain.strip_prefix('[') {
        let Some((v6, rest)) = after_bracket.split_once(']') else {
            return false;
        };
        let v6_ok = !v6.is_empty()
            && v6
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        return v6_ok && (rest.is_empty() || rest.strip_prefix(':').is_some_and(valid_port));
    }
    let (host, port_ok) = match domain.split_once(':') {
        Some((host, port)) => (host, valid_port(port)),
        None => (domain, true),
    };
    port_ok
        && !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`: what lies between the alphanumerics must be one of the
/// separators, and the component starts and ends with an alphanumeric.
fn valid_path_component(component: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    component.starts_with(alnum)
        && component.ends_with(alnum)
        && component
            .split(alnum)
            .all(|gap| matches!(gap, "" | "." | "_" | "__") || gap.bytes().all(|b| b == b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c";

    /// Registry, explicit registry, path, tag, digest.
    type Parts<'a> = (&'a str, bool, &'a str, Option<&'a str>, Option<&'a str>);

    #[test]
    fn references_parse_into_registry_path_tag_and_digest() {
        let digest = format!("sha256:{HEX}");
        let with_digest = format!("ghcr.io/acme/app:1.2@{digest}");
        let digest_only = format!("nginx@{digest}");
        let cases: Vec<(&str, Parts<'_>)> = vec![
            ("nginx", ("docker.io", false, "nginx", None, None)),
            (
                "nginx:1.27",
                ("docker.io", false, "nginx", Some("1.27"), None),
            ),
            (
                "library/nginx:latest",
                ("docker.io", false, "library/nginx", Some("latest"), None),
            ),
            ("acme/app", ("docker.io", false, "acme/app", None, None)),
            (
                "docker.io/library/python:3.12",
                ("docker.io", true, "library/python", Some("3.12"), None),
            ),
            (
                "index.docker.io/acme/app:v1",
                ("index.docker.io", true, "acme/app", Some("v1"), None),
            ),
            ("localhost/app", ("localhost", true, "app", None, None)),
            (
                "localhost:5000/app:dev",
                ("localhost:5000", true, "app", Some("dev"), None),
            ),
            (
                "registry.local:5000/team/app",
                ("registry.local:5000", true, "team/app", None, None),
            ),
            ("app:5000", ("docker.io", false, "app", Some("5000"), None)),
            (
                "[::1]:5000/app:1",
                ("[::1]:5000", true, "app", Some("1"), None),
            ),
            ("10.0.0.1/app", ("10.0.0.1", true, "app", None, None)),
            ("Registry/app", ("Registry", true, "app", None, None)),
            (
                "quay.io/a/b/c_d__e.f-g--h:v1.0_RC-1",
                (
                    "quay.io",
                    true,
                    "a/b/c_d__e.f-g--h",
                    Some("v1.0_RC-1"),
                    None,
                ),
            ),
            (
                &with_digest,
                ("ghcr.io", true, "acme/app", Some("1.2"), Some(&digest)),
            ),
            (
                &digest_only,
                ("docker.io", false, "nginx", None, Some(&digest)),
            ),
        ];
        for (image, (registry, explicit, path, tag, digest)) in cases {
            let expected = ImageRef {
                registry,
                explicit_registry: explicit,
                path,
                tag,
                digest,
            };
            assert_eq!(ImageRef::parse(image), Ok(expected), "{image}");
        }
    }

    #[test]
    fn malformed_templated_and_empty_references_are_not_judged() {
        let cases = [
            ("", NotAReference::Empty),
            ("   ", NotAReference::Empty),
            ("$(REGISTRY)/app:1", NotAReference::Templated),
            ("{{ .Values.image }}", NotAReference::Templated),
            ("${IMAGE}", NotAReference::Templated),
            ("Nginx", NotAReference::Invalid),
            ("acme/App:1", NotAReference::Invalid),
            ("nginx:", NotAReference::Invalid),
            ("nginx:-1", NotAReference::Invalid),
            ("nginx@sha256:abc", NotAReference::Invalid),
            (
                "nginx@sha256:9B8C7D6E5F4A3B2C1D0E9F8A7B6C5D4E3F2A1B0C9D8E7F6A5B4C3D2E1F0A9B8C",
                NotAReference::Invalid,
            ),
            ("ghcr.io//app", NotAReference::Invalid),
            ("ghcr.io/app/", NotAReference::Invalid),
            ("-ghcr.io/app", NotAReference::Invalid),
            ("ghcr.io:port/app", NotAReference::Invalid),
            ("a..b", NotAReference::Invalid),
            ("a___b", NotAReference::Invalid),
            ("nginx latest", NotAReference::Invalid),
            (HEX, NotAReference::Invalid),
        ];
        for (image, expected) in cases {
            assert_eq!(ImageRef::parse(image), Err(expected), "{image:?}");
        }
    }

    #[test]
    fn latest_is_no_tag_or_the_latest_tag_without_digest() {
        let pinned = format!("nginx:latest@sha256:{HEX}");
        let cases = [
            ("nginx", true),
            ("nginx:latest", true),
            ("nginx:1.27", false),
            ("nginx:Latest", false),
            (&*pinned, false),
        ];
        for (image, expected) in cases {
            let parsed = ImageRef::parse(image).expect("valid reference");
            assert_eq!(parsed.floats_on_latest(), expected, "{image}");
        }
    }

    #[test]
    fn allow_list_entries_match_registries_and_path_prefixes_on_segment_boundaries() {
        let cases = [
            ("ghcr.io/acme/app:1", "ghcr.io", true),
            ("ghcr.io/acme/app:1", "GHCR.io/", true),
            ("ghcr.io/acme/app:1", "https://ghcr.io", true),
            ("ghcr.io/acme/app:1", "ghcr.io/acme", true),
            ("ghcr.io/acme/app:1", "ghcr.io/acme/app", true),
            ("ghcr.io/acme-evil/app:1", "ghcr.io/acme", false),
            ("ghcr.io/acmeapp:1", "ghcr.io/acme", false),
            ("ghcr.io.evil.com/acme/app", "ghcr.io", false),
            ("evil.com/ghcr.io/app", "ghcr.io", false),
            ("registry.local:5000/app", "registry.local:5000", true),
            ("registry.local:5000/app", "registry.local", false),
            ("registry.local/app", "registry.local:5000", false),
            ("nginx", "docker.io", true),
            ("nginx", "index.docker.io", true),
            ("nginx", "docker.io/library", true),
            ("nginx", "docker.io/nginx", true),
            ("acme/app", "docker.io/acme", true),
            ("acme/app", "docker.io/library", false),
            ("registry-1.docker.io/acme/app", "docker.io/acme", true),
            ("localhost:5000/app", "localhost", false),
            ("localhost/app", "localhost", true),
            ("ghcr.io/acme/app", "", false),
        ];
        for (image, entry, expected) in cases {
            let parsed = ImageRef::parse(image).expect("valid reference");
            assert_eq!(parsed.allowed_by(entry), expected, "{image} by {entry:?}");
        }
    }

    #[test]
    fn docker_hub_is_recognised_by_any_of_its_names() {
        let cases = [
            ("nginx", true),
            ("acme/app", true),
            ("docker.io/acme/app", true),
            ("index.docker.io/acme/app", true),
            ("registry-1.docker.io/acme/app", true),
            ("mirror.gcr.io/library/nginx", false),
            ("docker.io.evil.com/app", false),
            ("localhost/nginx", false),
        ];
        for (image, expected) in cases {
            assert_eq!(
                ImageRef::parse(image).expect("valid").is_docker_hub(),
                expected,
                "{image}"
            );
        }
    }
}
