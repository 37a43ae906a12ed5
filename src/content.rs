//! Stage 2: fill content templates. A report's body is mostly the same sentences with this
//! period's figures; offices write those sentences as minijinja templates (`*.j2`).
//!
//! The environment is locked down: templates can read only their data and the other
//! templates (no filesystem, no network), undefined variables are errors naming the
//! template, line and expression, and fuel bounds the work a template may do (an endless
//! loop or a gigantic output stops with an error). The output is plain text in the clerk's
//! outline conventions; it is parsed into blocks and reaches typst only as data.

use std::collections::BTreeMap;
use std::path::Path;

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};

use crate::vn;

/// Content templates compiled into the binary: (name, text).
pub const EMBEDDED: &[(&str, &str)] = &[
    ("bao-cao-tuyen-truyen-cchc.j2", include_str!("../templates/bao-cao-tuyen-truyen-cchc.j2")),
    ("bao-cao-6-thang-tuyen-truyen-cchc.j2", include_str!("../templates/bao-cao-6-thang-tuyen-truyen-cchc.j2")),
];

/// The auto-escape mode of content templates.
const DATA_MODE: &str = "vanban-data";

pub use crate::marks::{PROTECTED, protect, unprotect};

/// Instructions a template may execute (a real report uses a few thousand).
pub const FUEL: u64 = 2_000_000;
/// Largest output accepted from a template.
pub const MAX_OUTPUT: usize = 4 * 1024 * 1024;

/// A template failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct ContentError(pub String);

/// The content-template environment: embedded templates, overridden file by file from a
/// directory.
pub struct Content {
    env: Environment<'static>,
    sources: std::sync::Arc<BTreeMap<String, String>>,
}

impl Content {
    /// Build the environment. `dir` may hold `*.j2` files that replace (or add to) the
    /// embedded ones; they are read now, not while rendering.
    ///
    /// # Errors
    /// [`ContentError`] when the directory cannot be read.
    pub fn new(dir: Option<&Path>) -> Result<Self, ContentError> {
        let mut sources: BTreeMap<String, String> =
            EMBEDDED.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        if let Some(dir) = dir {
            let entries = std::fs::read_dir(dir).map_err(|e| {
                ContentError(format!("không đọc được thư mục mẫu {}: {}", dir.display(), crate::fsio::io_reason(&e)))
            })?;
            for entry in entries.filter_map(Result::ok) {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "j2") && path.is_file() {
                    if let Some(reason) = crate::layout::outside(dir, &path) {
                        return Err(ContentError(format!("mẫu {}: {reason}", path.display())));
                    }
                    let name = entry.file_name().to_string_lossy().into_owned();
                    let text = match crate::fsio::read_text(&path) {
                        Ok(Some(text)) => text,
                        Ok(None) => {
                            return Err(ContentError(format!("mẫu {}: không phải văn bản UTF-8", path.display())));
                        }
                        Err(e) => return Err(ContentError(format!("không đọc được mẫu {}: {e}", path.display()))),
                    };
                    sources.insert(name, text);
                }
            }
        }
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(FUEL));
        env.set_recursion_limit(64);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        // Values printed with {{ }} are data: their `*` and `|` must not become the body's
        // marks (italic, bold, table), nor their line breaks new paragraphs.
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Custom(DATA_MODE));
        env.set_formatter(|out, state, value| {
            if matches!(state.auto_escape(), minijinja::AutoEscape::Custom(DATA_MODE)) && !value.is_safe() {
                let text = if value.is_none() { String::new() } else { value.to_string() };
                out.write_str(&protect(&text)).map_err(Error::from)
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        // Only the templates read above: no filesystem access while rendering.
        let sources = std::sync::Arc::new(sources);
        let for_loader = sources.clone();
        env.set_loader(move |name| Ok(for_loader.get(name).cloned()));
        register(&mut env);
        Ok(Self { env, sources })
    }

    /// A hash of the content templates (part of the incremental-build key).
    pub fn fingerprint(&self) -> u128 {
        let mut h = crate::fsio::ContentHash::default();
        for (name, text) in self.sources.iter() {
            h.add(name, text.as_bytes());
        }
        h.finish()
    }

    /// Does a template of this name exist (`name` without `.j2`)?
    pub fn has(&self, name: &str) -> bool {
        self.env.get_template(&format!("{name}.j2")).is_ok()
    }

    /// Render template `name` (without `.j2`) with `context`.
    ///
    /// # Errors
    /// [`ContentError`] naming the template, line and expression.
    pub fn render(&self, name: &str, context: &impl serde::Serialize) -> Result<String, ContentError> {
        let file = format!("{name}.j2");
        let source = |e: &Error| e.name().and_then(|n| self.sources.get(n)).map(String::as_str);
        let template = self.env.get_template(&file).map_err(|e| match e.kind() {
            ErrorKind::TemplateNotFound => ContentError(format!("không có mẫu nội dung \"{name}\" ({file})")),
            _ => describe(&e, source(&e)),
        })?;
        let out = template.render(Value::from_serialize(context)).map_err(|e| describe(&e, source(&e)))?;
        if out.len() > MAX_OUTPUT {
            return Err(ContentError(format!("mẫu {file} tạo ra {} byte, quá giới hạn {MAX_OUTPUT}", out.len())));
        }
        Ok(out)
    }

    /// Render a one-line template string (a trích yếu with `{{ ky.ten }}`).
    ///
    /// # Errors
    /// [`ContentError`] as [`Content::render`].
    pub fn render_str(
        &self,
        what: &str,
        source: &str,
        context: &impl serde::Serialize,
    ) -> Result<String, ContentError> {
        self.env.render_named_str(what, source, Value::from_serialize(context)).map_err(|e| describe(&e, Some(source)))
    }
}

/// A minijinja error as `mẫu X, dòng N: message (biểu thức: \`…\`)`.
fn describe(e: &Error, source: Option<&str>) -> ContentError {
    let name = e.name().unwrap_or("?");
    let line = e.line().map(|l| format!(", dòng {l}")).unwrap_or_default();
    let expr = match (e.template_source().or(source), e.range()) {
        (Some(src), Some(r)) if r.end <= src.len() && src.is_char_boundary(r.start) && src.is_char_boundary(r.end) => {
            // An undefined name given to a filter (`{{ tong.x | so }}`) is reported at the
            // filter: show the whole tag, which names the variable.
            let shown = if e.kind() == ErrorKind::UndefinedError { enclosing_tag(src, r.clone()) } else { None };
            format!(" (biểu thức: `{}`)", shown.unwrap_or(&src[r]))
        }
        _ => String::new(),
    };
    let what = match e.kind() {
        ErrorKind::UndefinedError => "biến không có trong dữ liệu".to_string(),
        ErrorKind::OutOfFuel => "mẫu chạy quá lâu (vòng lặp quá lớn hoặc vô tận) và đã bị dừng".to_string(),
        ErrorKind::SyntaxError => format!("sai cú pháp: {}", e.detail().unwrap_or("")),
        ErrorKind::TemplateNotFound => {
            let name = e.detail().and_then(|d| d.split('"').nth(1)).unwrap_or("?");
            format!("không có mẫu \"{name}\" (chỉ dùng được các mẫu .j2 trong thư mục mẫu)")
        }
        ErrorKind::InvalidOperation => format!("phép tính không hợp lệ: {}", e.detail().unwrap_or("")),
        ErrorKind::MissingArgument | ErrorKind::TooManyArguments => {
            format!("sai số tham số: {}", e.detail().unwrap_or(""))
        }
        ErrorKind::UnknownFilter | ErrorKind::UnknownFunction | ErrorKind::UnknownTest | ErrorKind::UnknownMethod => {
            format!("không có bộ lọc, hàm hay phép thử này: {}", e.detail().unwrap_or(""))
        }
        _ => format!("lỗi khi chạy mẫu: {}", e.detail().unwrap_or("")),
    };
    ContentError(format!("mẫu {name}{line}: {what}{expr}"))
}

/// The inside of the `{{ … }}` or `{% … %}` tag around `range`, if it is on one line.
fn enclosing_tag(src: &str, range: std::ops::Range<usize>) -> Option<&str> {
    let before = &src[..range.start];
    let open = before.rfind("{{").into_iter().chain(before.rfind("{%")).max()? + 2;
    let after = &src[range.end..];
    let close = range.end + after.find("}}").into_iter().chain(after.find("%}")).min()?;
    let inner = src[open..close].trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
    (!inner.contains('\n') && !inner.contains("}}") && !inner.contains("{{")).then_some(inner)
}

// ---------------------------------------------------------------------------------------
// Vietnamese filters and functions for template authors (documented in the README).

/// `1250` → `1.250`; `84.375` with 2 decimals → `84,38`.
pub fn number(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped},{frac}") }
}

/// `0.84375` → `84,38%`.
pub fn percent(fraction: f64, decimals: usize) -> String {
    format!("{}%", number(fraction * 100.0, decimals))
}

/// `a`, `a và b`, `a, b và c`.
pub fn join_vn(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} và {last}", rest.join(", ")),
    }
}

/// First letter in capitals, the rest unchanged (`ủy ban` → `Ủy ban`).
pub fn capitalise_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn as_f64(v: &Value) -> Result<f64, Error> {
    if v.is_undefined() {
        return Err(Error::new(ErrorKind::UndefinedError, "biến không có trong dữ liệu"));
    }
    f64::try_from(v.clone()).map_err(|_| Error::new(ErrorKind::InvalidOperation, format!("cần một số, nhận được {v}")))
}

fn register(env: &mut Environment<'static>) {
    // so(1250) → "1.250"; so(84.375, 2) → "84,38"
    env.add_filter("so", |v: Value, decimals: Option<usize>| -> Result<String, Error> {
        Ok(number(as_f64(&v)?, decimals.unwrap_or(0)))
    });
    // phan_tram(0.8438) → "84,38%"
    env.add_filter("phan_tram", |v: Value, decimals: Option<usize>| -> Result<String, Error> {
        Ok(percent(as_f64(&v)?, decimals.unwrap_or(2)))
    });
    // ty_le(3279, 3443) → "95,24%"; "-" when the denominator is 0
    env.add_function("ty_le", |num: Value, den: Value, decimals: Option<usize>| -> Result<String, Error> {
        let (n, d) = (as_f64(&num)?, as_f64(&den)?);
        Ok(if d == 0.0 { "-".into() } else { percent(n / d, decimals.unwrap_or(2)) })
    });
    // la_ma(4) → "IV"
    env.add_filter("la_ma", |v: Value| -> Result<String, Error> {
        let n = as_f64(&v)?;
        Ok(if n >= 1.0 && n.fract() == 0.0 { vn::roman(n as u32) } else { number(n, 0) })
    });
    // ngay("2022-04-05") → "ngày 05 tháng 4 năm 2022" (ND30 date words)
    env.add_filter("ngay", |v: String| -> Result<String, Error> {
        let d = crate::date::parse_date(&v)
            .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, format!("\"{v}\" không phải ngày YYYY-MM-DD")))?;
        Ok(vn::date_words(d.year, d.month, d.day))
    });
    // viet_hoa("Sở Nội vụ") → "SỞ NỘI VỤ"; viet_hoa_dau("ủy ban") → "Ủy ban"
    env.add_filter("viet_hoa", |v: String| vn::upper(&v));
    env.add_filter("viet_hoa_dau", |v: String| capitalise_first(&v));
    // viet_thuong_dau("Tuyên truyền …") → "tuyên truyền …" (a title inside a sentence)
    env.add_filter("viet_thuong_dau", |v: String| {
        let mut chars = v.chars();
        match chars.next() {
            Some(c) => c.to_lowercase().chain(chars).collect::<String>(),
            None => String::new(),
        }
    });
    // liet_ke(["a", "b", "c"]) → "a, b và c"
    env.add_filter("liet_ke", |v: Vec<String>| join_vn(&v));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_numbers() {
        assert_eq!(number(1250.0, 0), "1.250");
        assert_eq!(number(1_234_567.0, 0), "1.234.567");
        assert_eq!(number(84.375, 2), "84,38");
        assert_eq!(number(12.0, 0), "12");
        assert_eq!(number(-3500.5, 1), "-3.500,5");
        assert_eq!(number(0.0, 0), "0");
        assert_eq!(percent(0.84375, 2), "84,38%");
        assert_eq!(percent(1.0, 0), "100%");
    }

    #[test]
    fn lists_and_case() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join_vn(&s(&[])), "");
        assert_eq!(join_vn(&s(&["a"])), "a");
        assert_eq!(join_vn(&s(&["a", "b"])), "a và b");
        assert_eq!(join_vn(&s(&["a", "b", "c"])), "a, b và c");
        assert_eq!(capitalise_first("ủy ban nhân dân"), "Ủy ban nhân dân");
        assert_eq!(capitalise_first(""), "");
    }

    fn render(src: &str, ctx: serde_json::Value) -> Result<String, ContentError> {
        Content::new(None).unwrap().render_str("thu.j2", src, &ctx)
    }

    #[test]
    fn filters_in_templates() {
        let ctx = serde_json::json!({"n": 1250, "a": 3279, "b": 3443, "ds": ["xã A", "xã B", "xã C"]});
        assert_eq!(render("{{ n | so }}", ctx.clone()).unwrap(), "1.250");
        assert_eq!(render("{{ ty_le(a, b) }}", ctx.clone()).unwrap(), "95,24%");
        assert_eq!(render("{{ ty_le(a, 0) }}", ctx.clone()).unwrap(), "-");
        assert_eq!(render("{{ (a / b) | phan_tram(1) }}", ctx.clone()).unwrap(), "95,2%");
        assert_eq!(render("{{ 14 | la_ma }}", ctx.clone()).unwrap(), "XIV");
        assert_eq!(render("{{ '2022-04-05' | ngay }}", ctx.clone()).unwrap(), "ngày 05 tháng 4 năm 2022");
        assert_eq!(render("{{ 'sở nội vụ' | viet_hoa }}", ctx.clone()).unwrap(), "SỞ NỘI VỤ");
        assert_eq!(render("{{ 'ủy ban' | viet_hoa_dau }}", ctx.clone()).unwrap(), "Ủy ban");
        assert_eq!(render("{{ ds | liet_ke }}", ctx).unwrap(), "xã A, xã B và xã C");
        assert_eq!(render("{{ 'Tuyên truyền' | viet_thuong_dau }}", serde_json::json!({})).unwrap(), "tuyên truyền");
    }

    #[test]
    fn printed_data_cannot_become_marks() {
        let out = render("- {{ ten }} và *{{ ten }}*", serde_json::json!({"ten": "xã *Sao*\n| I. Một"})).unwrap();
        let blocks = crate::body::parse(&out);
        assert_eq!(blocks.len(), 1, "a value's line break is not a new paragraph");
        let runs = &blocks[0].runs;
        assert_eq!(runs[0].text, "- xã *Sao* | I. Một và ");
        assert!(!runs[0].italic);
        assert_eq!(runs[1].text, "xã *Sao* | I. Một");
        assert!(runs[1].italic, "the template's own marks still work");
    }

    #[test]
    fn undefined_names_template_line_and_expression() {
        for src in ["{{ tong.hoi_nghii | so }}", "{{ tong.hoi_nghii }}", "{{ ty_le(tong.hoi_nghii, 2) }}"] {
            let e = render(src, serde_json::json!({"tong": {"hoi_nghi": 3}})).unwrap_err().0;
            assert!(e.contains("biến không có trong dữ liệu") && e.contains("tong.hoi_nghii"), "{src}: {e}");
        }
        let err = render("Dòng một\nTổng: {{ tong.hoi_nghii }} cuộc", serde_json::json!({"tong": {"hoi_nghi": 1}}))
            .unwrap_err();
        assert_eq!(err.0, "mẫu thu.j2, dòng 2: biến không có trong dữ liệu (biểu thức: `tong.hoi_nghii`)");
    }

    #[test]
    fn endless_work_is_stopped() {
        let err = render(
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
            serde_json::json!({}),
        )
        .unwrap_err();
        assert!(err.0.contains("mẫu chạy quá lâu"), "{}", err.0);
        let err = render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", serde_json::json!({})).unwrap_err();
        assert!(err.0.starts_with("mẫu thu.j2"), "{}", err.0);
        // No filesystem: include only sees the embedded templates.
        let err = render("{% include '/etc/passwd' %}", serde_json::json!({})).unwrap_err();
        assert!(err.0.contains("không có mẫu \"/etc/passwd\""), "{}", err.0);
        assert!(!err.0.contains("include non-existing"), "no English: {}", err.0);
    }
}
