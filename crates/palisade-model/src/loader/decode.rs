//! Bytes to text: UTF-8, or UTF-16 when a byte order mark says so.
//!
//! Editors on Windows (and PowerShell's `>` before version 6) write UTF-16 with a byte order
//! mark; `kubectl` reads such files, so they are decoded rather than called binary. Without a
//! mark, a NUL byte means the file is binary. A UTF-8 byte order mark is dropped, so columns
//! on the first line count as an editor shows them.

use super::LoadError;

const UTF16_LE_BOM: [u8; 2] = [0xFF, 0xFE];
const UTF16_BE_BOM: [u8; 2] = [0xFE, 0xFF];

/// The text of an input named `path`.
pub(super) fn text(path: &str, bytes: Vec<u8>) -> Result<String, LoadError> {
    let text = if let Some(body) = bytes.strip_prefix(&UTF16_LE_BOM) {
        utf16(path, body, u16::from_le_bytes)?
    } else if let Some(body) = bytes.strip_prefix(&UTF16_BE_BOM) {
        utf16(path, body, u16::from_be_bytes)?
    } else {
        if bytes.contains(&0) {
            return Err(binary(path));
        }
        let mut text = String::from_utf8(bytes).map_err(|error| LoadError::InvalidUtf8 {
            path: path.to_string(),
            offset: error.utf8_error().valid_up_to(),
        })?;
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        return Ok(text);
    };
    // Decoded UTF-16 may still hold NUL characters, which no manifest does.
    if text.contains('\0') {
        return Err(binary(path));
    }
    Ok(text)
}

fn binary(path: &str) -> LoadError {
    LoadError::Binary {
        path: path.to_string(),
    }
}

/// Decodes UTF-16 code units after the byte order mark; offsets in errors count from the start
/// of the file, mark included.
fn utf16(path: &str, body: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, LoadError> {
    let invalid = |offset: usize| LoadError::InvalidUtf16 {
        path: path.to_string(),
        offset: offset + UTF16_LE_BOM.len(),
    };
    let pairs = body.chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return Err(invalid(body.len() - 1));
    }
    let units = pairs.map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(body.len());
    let mut offset = 0;
    for decoded in char::decode_utf16(units) {
        let c = decoded.map_err(|_| invalid(offset))?;
        offset += c.len_utf16() * 2;
        text.push(c);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16_le(text: &str) -> Vec<u8> {
        let mut bytes = UTF16_LE_BOM.to_vec();
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }

    fn utf16_be(text: &str) -> Vec<u8> {
        let mut bytes = UTF16_BE_BOM.to_vec();
        bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        bytes
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_decoded() {
        let manifest = "kind: Pod # ☸ 😀\n";
        assert_eq!(
            text("le.yaml", utf16_le(manifest)).ok().as_deref(),
            Some(manifest)
        );
        assert_eq!(
            text("be.yaml", utf16_be(manifest)).ok().as_deref(),
            Some(manifest)
        );
    }

    #[test]
    fn a_utf8_byte_order_mark_is_dropped() {
        let bytes = b"\xEF\xBB\xBFkind: Pod\n".to_vec();
        assert_eq!(text("bom.yaml", bytes).ok().as_deref(), Some("kind: Pod\n"));
    }

    #[test]
    fn broken_utf16_names_the_byte() {
        let mut odd = utf16_le("ab");
        odd.push(b'c');
        let lone_surrogate = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0];
        let cases: [(Vec<u8>, &str); 3] = [
            (odd, "odd.yaml: invalid UTF-16 at byte 6"),
            (
                lone_surrogate.to_vec(),
                "odd.yaml: invalid UTF-16 at byte 4",
            ),
            (
                utf16_le("a\0b"),
                "odd.yaml: binary file (contains NUL bytes), not a manifest",
            ),
        ];
        for (bytes, expected) in cases {
            let error = text("odd.yaml", bytes).err().map(|e| e.to_string());
            assert_eq!(error.as_deref(), Some(expected));
        }
    }
}
