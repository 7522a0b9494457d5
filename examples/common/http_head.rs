//! A strict HTTP/1.1 request-head parser that works in place on bytes: no
//! allocation, no copy, no UTF-8 conversion. Used by `http_hello`.
//!
//! What it accepts (RFC 9112), and what anything else gets:
//!
//! ```text
//! head         = *( CRLF ) request-line *( field-line CRLF ) CRLF
//! request-line = method SP target SP ( "HTTP/1.1" / "HTTP/1.0" ) CRLF
//! method       = 1*tchar                  target = 1*( %x21-7E )
//! field-line   = 1*tchar ":" OWS value OWS        (no space before ":")
//! value        = *( SP / HTAB / %x21-7E / %x80-FF )  (no other control byte)
//! ```
//!
//! - Any other byte, a bare LF or CR, a line without a colon (so also an
//!   obsolete folded line), a `Content-Length` that is not all digits, does
//!   not fit in a `u64`, or disagrees with an earlier one: `400`.
//! - `Transfer-Encoding` (chunked bodies): `501`; this server reads only
//!   `Content-Length` bodies, so it refuses rather than misreading the
//!   chunks as the next request.
//! - Whether the body is too large, or the head too long, is the caller's
//!   policy (`413`, `431`): this module reports the declared length and
//!   [`Parse::Partial`].

/// What the start of a buffer holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Parse {
    /// A complete, valid request head.
    Head(Head),
    /// A valid prefix of a head: read more.
    Partial,
    /// Not a request this server will serve: answer with this status and close.
    Reject(Status),
}

/// A parsed request head.
#[derive(Debug, PartialEq, Eq)]
pub struct Head {
    /// Bytes the head takes, up to and including its empty line.
    pub len: usize,
    /// The declared body length (`Content-Length`, else 0).
    pub body: u64,
    /// Whether the connection closes after this request: `Connection:
    /// close`, or HTTP/1.0 without `Connection: keep-alive`.
    pub close: bool,
}

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 400: the bytes are not a valid request head.
    BadRequest,
    /// 501: a `Transfer-Encoding` this server does not implement.
    NotImplemented,
}

/// Bytes allowed in a token (method, field name): RFC 9110 `tchar`.
static TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(c, b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'.')
            || matches!(c, b'^' | b'_' | b'`' | b'|' | b'~');
        b += 1;
    }
    table
};

/// Bytes allowed in a request target: visible ASCII, `%x21-7E`.
static VCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x21;
    while b < 0x7f {
        table[b] = true;
        b += 1;
    }
    table
};

/// Parses the request head at the start of `buf`.
pub fn parse(buf: &[u8]) -> Parse {
    match parse_head(buf) {
        Ok(Some(head)) => Parse::Head(head),
        Ok(None) => Parse::Partial,
        Err(status) => Parse::Reject(status),
    }
}

/// `Ok(None)`: a valid prefix so far.
#[inline]
fn parse_head(buf: &[u8]) -> Result<Option<Head>, Status> {
    let mut i = 0;
    // Empty lines before the request line are ignored (RFC 9112 §2.2).
    while buf.get(i) == Some(&b'\r') {
        match buf.get(i + 1) {
            None => return Ok(None),
            Some(b'\n') => i += 2,
            Some(_) => return Err(Status::BadRequest),
        }
    }
    let Some((mut i, http10)) = request_line(buf, i)? else { return Ok(None) };
    let (mut body, mut close, mut keep_alive) = (None, false, false);
    loop {
        match buf.get(i) {
            None => return Ok(None),
            Some(b'\r') => match buf.get(i + 1) {
                None => return Ok(None),
                Some(b'\n') => break,
                Some(_) => return Err(Status::BadRequest),
            },
            Some(_) => {}
        }
        let Some(Field { name, value, next }) = field_line(buf, i)? else { return Ok(None) };
        i = next;
        // Only three names matter here; most fields are told apart by length.
        match name.len() {
            14 if name.eq_ignore_ascii_case(b"content-length") => {
                let n = content_length(trim(value))?;
                if body.is_some_and(|earlier| earlier != n) {
                    return Err(Status::BadRequest);
                }
                body = Some(n);
            }
            10 if name.eq_ignore_ascii_case(b"connection") => {
                for option in value.split(|&b| b == b',').map(trim) {
                    close |= option.eq_ignore_ascii_case(b"close");
                    keep_alive |= option.eq_ignore_ascii_case(b"keep-alive");
                }
            }
            17 if name.eq_ignore_ascii_case(b"transfer-encoding") => return Err(Status::NotImplemented),
            _ => {}
        }
    }
    let close = close || (http10 && !keep_alive);
    Ok(Some(Head { len: i + 2, body: body.unwrap_or(0), close }))
}

/// Checks the request line starting at `i`; returns where the next line
/// starts, and whether the version is HTTP/1.0.
#[inline]
fn request_line(buf: &[u8], i: usize) -> Result<Option<(usize, bool)>, Status> {
    let method_end = token_end(buf, i);
    let target_end = match buf.get(method_end) {
        None => return Ok(None),
        Some(b' ') if method_end > i => target_end(buf, method_end + 1),
        Some(_) => return Err(Status::BadRequest),
    };
    match buf.get(target_end) {
        None => return Ok(None),
        Some(b' ') if target_end > method_end + 1 => {}
        Some(_) => return Err(Status::BadRequest),
    }
    let version = target_end + 1;
    const V11: &[u8; 10] = b"HTTP/1.1\r\n";
    const V10: &[u8; 10] = b"HTTP/1.0\r\n";
    match buf.get(version..version + 10) {
        Some(got) if got == V11 => Ok(Some((version + 10, false))),
        Some(got) if got == V10 => Ok(Some((version + 10, true))),
        Some(_) => Err(Status::BadRequest),
        None if V11.starts_with(&buf[version..]) || V10.starts_with(&buf[version..]) => Ok(None),
        None => Err(Status::BadRequest),
    }
}

/// One field line of a head.
struct Field<'a> {
    name: &'a [u8],
    /// Between the colon and the line end: may start or end with spaces or tabs.
    value: &'a [u8],
    /// Where the next line starts.
    next: usize,
}

/// Checks the field line starting at `i`.
#[inline]
fn field_line(buf: &[u8], i: usize) -> Result<Option<Field<'_>>, Status> {
    let colon = token_end(buf, i);
    match buf.get(colon) {
        None => return Ok(None),
        Some(b':') if colon > i => {}
        Some(_) => return Err(Status::BadRequest),
    }
    let mut end = colon + 1;
    loop {
        end = value_end(buf, end);
        match buf.get(end) {
            None => return Ok(None),
            Some(b'\t') => end += 1,
            Some(b'\r') => break,
            Some(_) => return Err(Status::BadRequest),
        }
    }
    match buf.get(end + 1) {
        None => Ok(None),
        Some(b'\n') => Ok(Some(Field { name: &buf[i..colon], value: &buf[colon + 1..end], next: end + 2 })),
        Some(_) => Err(Status::BadRequest),
    }
}

/// A `Content-Length` value: one or more digits, fitting in a `u64`.
fn content_length(value: &[u8]) -> Result<u64, Status> {
    if value.is_empty() {
        return Err(Status::BadRequest);
    }
    value.iter().try_fold(0u64, |n, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9).ok_or(Status::BadRequest)?;
        n.checked_mul(10).and_then(|n| n.checked_add(u64::from(digit))).ok_or(Status::BadRequest)
    })
}

/// The index of the first byte at or after `i` that is not a token byte
/// (or `buf.len()`).
#[inline]
fn token_end(buf: &[u8], i: usize) -> usize {
    scan(buf, i, &TCHAR)
}

/// The index of the first byte at or after `i` that may not be in a
/// request target (only `%x21-7E` may), or `buf.len()`.
#[inline]
fn target_end(buf: &[u8], i: usize) -> usize {
    scan(buf, i, &VCHAR)
}

/// The index of the first byte at or after `i` that `table` refuses (or
/// `buf.len()`); four bytes a step while all four pass.
#[inline]
fn scan(buf: &[u8], mut i: usize, table: &[bool; 256]) -> usize {
    let ok = |b: u8| table[usize::from(b)];
    while let Some(&[a, b, c, d]) = buf.get(i..i + 4) {
        match (ok(a), ok(b), ok(c), ok(d)) {
            (true, true, true, true) => i += 4,
            (false, ..) => return i,
            (true, false, ..) => return i + 1,
            (true, true, false, _) => return i + 2,
            (true, true, true, false) => return i + 3,
        }
    }
    while i < buf.len() && ok(buf[i]) {
        i += 1;
    }
    i
}

/// The index of the first control byte (below 0x20, or 0x7F) at or after
/// `i`, or `buf.len()`. Eight bytes at a time: in each word, the lowest
/// flagged byte is exact (a borrow can only flag bytes above a true match).
#[inline]
fn value_end(buf: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(Ok(word)) = buf.get(i..i + 8).map(<[u8; 8]>::try_from) {
        let w = u64::from_le_bytes(word);
        let below_space = w.wrapping_sub(0x20 * ONES) & !w & HIGH;
        let del = w ^ (0x7f * ONES);
        let found = below_space | (del.wrapping_sub(ONES) & !del & HIGH);
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    let rest = buf.get(i..).unwrap_or_default();
    rest.iter().position(|&b| b < 0x20 || b == 0x7f).map_or(buf.len(), |n| i + n)
}

/// `s` without leading and trailing spaces and tabs.
fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(s.len());
    let end = s.iter().rposition(|&b| b != b' ' && b != b'\t').map_or(start, |e| e + 1);
    &s[start..end]
}
