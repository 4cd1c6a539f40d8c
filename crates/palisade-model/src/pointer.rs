//! JSON pointers (RFC 6901), the one way rules name a place in an object.

/// Escapes one reference token: `~` becomes `~0` and `/` becomes `~1`.
pub fn escape(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains(['~', '/']) {
        std::borrow::Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        std::borrow::Cow::Borrowed(token)
    }
}

/// Reverses [`escape`].
pub fn unescape(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        std::borrow::Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        std::borrow::Cow::Borrowed(token)
    }
}

/// Appends a key to a pointer, escaping it.
pub fn join(base: &str, token: &str) -> String {
    let token = escape(token);
    let mut out = String::with_capacity(base.len() + 1 + token.len());
    out.push_str(base);
    out.push('/');
    out.push_str(&token);
    out
}

/// Appends an array index to a pointer.
pub fn join_index(base: &str, index: usize) -> String {
    format!("{base}/{index}")
}

/// Splits a pointer into its unescaped reference tokens. The empty pointer has none.
pub fn tokens(pointer: &str) -> impl Iterator<Item = std::borrow::Cow<'_, str>> {
    pointer.split('/').skip(1).map(unescape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_with_slashes_and_tildes_round_trip() {
        let pointer = join(
            "/metadata/annotations",
            "container.apparmor.security.beta.kubernetes.io/app~x",
        );
        assert_eq!(
            pointer,
            "/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1app~0x"
        );
        let back: Vec<_> = tokens(&pointer).collect();
        assert_eq!(
            back,
            [
                "metadata",
                "annotations",
                "container.apparmor.security.beta.kubernetes.io/app~x"
            ]
        );
    }

    #[test]
    fn empty_pointer_has_no_tokens() {
        assert_eq!(tokens("").count(), 0);
        assert_eq!(join_index("/spec/containers", 2), "/spec/containers/2");
    }
}
