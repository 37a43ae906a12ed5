//! The body as clerks write it: one paragraph per line, outline labels (`I.`, `1.`, `a)`,
//! `-`, `+`) and two inline marks (`*nghiêng*`, `**đậm**`).
//!
//! The result is data (blocks of styled runs), never markup: whatever else a line
//! contains (`# $ _ @ < > [ ] \ // = ~` and backticks, a lone `*`) prints literally.

use serde::Serialize;

/// What an outline label makes of a paragraph (ND30 Phụ lục I, II.6đ, table 6b).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// `I. MỤC ĐÍCH YÊU CẦU`: a mục, bold.
    Section,
    /// `1. Mục đích` (a khoản); bold when it is a title (no closing punctuation).
    Clause,
    /// `a) …`: a điểm.
    Point,
    /// `- …`
    Dash,
    /// `+ …`
    Plus,
    /// Any other paragraph.
    Paragraph,
    /// A table: consecutive lines starting with `|` (`| a | b |`); a line of dashes
    /// (`|---|---|`) after the first row makes that row the header.
    Table,
}

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// The text, printed literally.
    pub text: String,
    /// Bold (`**…**`, or a bold block).
    pub bold: bool,
    /// Italic (`*…*`).
    pub italic: bool,
    /// Keep on one line: a token with a slash (`4707/QĐ-UBND`, `15/7/2021`), which Word
    /// does not break and typst otherwise would.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nobreak: bool,
    /// A footnote reference (`[^1]` in the text): the note, printed at the foot of the
    /// page; the run's own text is empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub footnote: Vec<Run>,
}

/// One paragraph of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    /// The outline level its label gives it.
    pub kind: BlockKind,
    /// Whether the whole paragraph is set bold (mục; titled khoản).
    pub strong: bool,
    /// The text in styled runs (empty for a table).
    pub runs: Vec<Run>,
    /// Table cells by row (tables only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<Vec<String>>,
    /// Is the first table row a header?
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub header: bool,
}

impl Block {
    /// The paragraph's text without styling.
    pub fn plain(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

/// A footnote's text: a line `[^label]: text` (label: letters, digits, `-`, `_`).
fn footnote_definition(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("[^")?;
    let end = rest.find("]:")?;
    let label = &rest[..end];
    let valid = !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    valid.then(|| (label, rest[end + 2..].trim()))
}

/// Replace each `[^label]` of a defined note by a footnote run.
fn attach_footnotes(runs: Vec<Run>, notes: &std::collections::BTreeMap<&str, Vec<Run>>) -> Vec<Run> {
    let mut out = Vec::with_capacity(runs.len());
    for run in runs {
        let mut rest = run.text.as_str();
        let mut plain = String::new();
        while let Some(at) = rest.find("[^") {
            let after = &rest[at + 2..];
            let note = after.find(']').and_then(|end| notes.get(&after[..end]).map(|n| (end, n)));
            let Some((end, note)) = note else {
                plain.push_str(&rest[..at + 2]);
                rest = after;
                continue;
            };
            plain.push_str(&rest[..at]);
            if !plain.is_empty() {
                out.push(Run { text: std::mem::take(&mut plain), ..run.clone() });
            }
            out.push(Run { text: String::new(), nobreak: false, footnote: note.clone(), ..run.clone() });
            rest = &after[end + 1..];
        }
        plain.push_str(rest);
        if !plain.is_empty() {
            out.push(Run { text: plain, ..run });
        }
    }
    out
}

/// Split clerk-written text into blocks: every non-empty line is a paragraph; consecutive
/// lines starting with `|` are one table. A line `[^1]: text` is the note of the `[^1]`
/// written in a paragraph, printed as a footnote; a note that nothing refers to stays a
/// paragraph, a reference without a note stays text (nothing is lost).
pub fn parse(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
    let mut notes = std::collections::BTreeMap::new();
    for (label, note) in lines.iter().filter_map(|l| footnote_definition(l)) {
        let referenced = lines.iter().any(|l| footnote_definition(l).is_none() && l.contains(&format!("[^{label}]")));
        if referenced && !notes.contains_key(label) {
            notes.insert(label, inline(note));
        }
    }
    let mut blocks: Vec<Block> = Vec::new();
    let mut defined = std::collections::BTreeSet::new();
    for line in lines.iter().copied() {
        if let Some((label, _)) = footnote_definition(line)
            && notes.contains_key(label)
            && defined.insert(label)
        {
            continue;
        }
        if let Some(row) = line.strip_prefix('|') {
            let row = row.strip_suffix('|').unwrap_or(row);
            let cells: Vec<String> = row.split('|').map(|c| c.trim().to_string()).collect();
            let is_rule = cells.iter().all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')));
            match blocks.last_mut() {
                Some(b) if b.kind == BlockKind::Table => {
                    if is_rule && b.cells.len() == 1 {
                        b.header = true;
                    } else if !is_rule {
                        b.cells.push(cells);
                    }
                }
                _ => blocks.push(Block {
                    kind: BlockKind::Table,
                    strong: false,
                    runs: Vec::new(),
                    cells: vec![cells],
                    header: false,
                }),
            }
            continue;
        }
        let mut block = parse_line(line);
        if !notes.is_empty() {
            block.runs = attach_footnotes(block.runs, &notes);
        }
        blocks.push(block);
    }
    for b in blocks.iter_mut().filter(|b| b.kind == BlockKind::Table) {
        let width = b.cells.iter().map(Vec::len).max().unwrap_or(0);
        for row in &mut b.cells {
            row.resize(width, String::new());
        }
    }
    // Marks inside data printed by a content template were protected; restore them now
    // that the marks have been read.
    for b in &mut blocks {
        for r in &mut b.runs {
            r.text = crate::marks::unprotect(&r.text);
        }
        for cell in b.cells.iter_mut().flatten() {
            *cell = crate::marks::unprotect(cell);
        }
    }
    blocks
}

/// Parse one paragraph.
pub fn parse_line(line: &str) -> Block {
    let kind = classify(line);
    let runs = inline(line);
    let plain: String = runs.iter().map(|r| r.text.as_str()).collect();
    let strong = match kind {
        BlockKind::Section => true,
        BlockKind::Clause => !plain.trim_end().ends_with(['.', ';', ':', '!', '?', ',']),
        _ => false,
    };
    Block { kind, strong, runs, cells: Vec::new(), header: false }
}

fn classify(line: &str) -> BlockKind {
    let label_then_space =
        |label_len: usize| line[label_len..].starts_with(char::is_whitespace) && line.len() > label_len + 1;
    let roman = line.chars().take_while(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C')).count();
    if roman > 0 && line[roman..].starts_with('.') && label_then_space(roman + 1) {
        return BlockKind::Section;
    }
    // `1.`, `5.1.`, `2.3.1.`; also `1.3`, `2.3.1` without the last dot, as clerks often
    // write them (a bare `1` is not a label: it starts sentences such as `5 đơn vị …`).
    let digits = line.chars().take_while(|c| c.is_ascii_digit() || *c == '.').count();
    let label = &line[..digits];
    if digits >= 2
        && line.as_bytes()[0].is_ascii_digit()
        && (label.ends_with('.') || label.contains('.'))
        && !label.contains("..")
        && label.trim_end_matches('.').split('.').all(|g| (1..=2).contains(&g.len()))
        && label_then_space(digits)
    {
        return BlockKind::Clause;
    }
    let mut chars = line.chars();
    if let (Some(c), Some(')')) = (chars.next(), chars.next())
        && (c.is_ascii_lowercase() || c == 'đ')
        && label_then_space(c.len_utf8() + 1)
    {
        return BlockKind::Point;
    }
    if line.starts_with("- ") {
        return BlockKind::Dash;
    }
    if line.starts_with("+ ") {
        return BlockKind::Plus;
    }
    BlockKind::Paragraph
}

/// Split a line into runs at `**bold**` and `*italic*` marks. A mark only opens when it
/// is followed by a non-space and closed by a matching mark after a non-space; anything
/// else is literal text.
pub fn inline(line: &str) -> Vec<Run> {
    let mut out = Vec::new();
    walk(line, false, false, &mut out);
    keep_slashed_tokens(out)
}

/// Plain text as runs of one style, slashed tokens kept whole (căn cứ paragraphs).
pub fn plain(text: &str, italic: bool) -> Vec<Run> {
    keep_slashed_tokens(vec![Run { text: text.to_string(), bold: false, italic, nobreak: false, footnote: Vec::new() }])
}

/// Split runs so that every whitespace-delimited token containing `/` between two
/// non-space characters is a `nobreak` run of its own.
fn keep_slashed_tokens(runs: Vec<Run>) -> Vec<Run> {
    let mut out = Vec::with_capacity(runs.len());
    for run in runs {
        if !run.text.contains('/') {
            out.push(run);
            continue;
        }
        let mut plain = String::new();
        for piece in run.text.split_inclusive(char::is_whitespace) {
            let word = piece.trim_end_matches(char::is_whitespace);
            let slashed = word.trim_matches('/').contains('/');
            if slashed {
                if !plain.is_empty() {
                    out.push(Run { text: std::mem::take(&mut plain), ..run.clone() });
                }
                out.push(Run { text: word.to_string(), nobreak: true, ..run.clone() });
                plain.push_str(&piece[word.len()..]);
            } else {
                plain.push_str(piece);
            }
        }
        if !plain.is_empty() {
            out.push(Run { text: plain, ..run.clone() });
        }
    }
    out
}

fn walk(s: &str, bold: bool, italic: bool, out: &mut Vec<Run>) {
    let mut literal = String::new();
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let marker = if rest.starts_with("**") && !bold {
            Some("**")
        } else if rest.starts_with('*') && !rest.starts_with("**") && !italic {
            Some("*")
        } else {
            None
        };
        if let Some(marker) = marker {
            let inner_start = i + marker.len();
            if let Some(len) = closing(&s[inner_start..], marker) {
                push(out, std::mem::take(&mut literal), bold, italic);
                let inner = &s[inner_start..inner_start + len];
                if marker == "**" {
                    walk(inner, true, italic, out);
                } else {
                    walk(inner, bold, true, out);
                }
                i = inner_start + len + marker.len();
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        // A failed marker is literal; skip all of it so `**` is not retried as `*`.
        let step = if marker == Some("**") { 2 } else { c.len_utf8() };
        literal.push_str(&rest[..step]);
        i += step;
    }
    push(out, literal, bold, italic);
}

/// Length of the text before the closing `marker`, if the span is a valid one.
fn closing(after: &str, marker: &str) -> Option<usize> {
    let first = after.chars().next().filter(|c| !c.is_whitespace())?;
    let mut j = first.len_utf8();
    while j < after.len() {
        let rest = &after[j..];
        let prev_is_space = after[..j].ends_with(char::is_whitespace);
        if marker == "**" {
            if rest.starts_with("**") && !prev_is_space {
                // `***` closes an inner `*` first: `**a *b***`.
                return Some(if rest.starts_with("***") { j + 1 } else { j });
            }
        } else if rest.starts_with("**") {
            j += 2;
            continue;
        } else if rest.starts_with('*') && !prev_is_space {
            return Some(j);
        }
        j += rest.chars().next().map_or(1, char::len_utf8);
    }
    None
}

fn push(out: &mut Vec<Run>, text: String, bold: bool, italic: bool) {
    if text.is_empty() {
        return;
    }
    if let Some(last) = out.last_mut()
        && last.bold == bold
        && last.italic == italic
    {
        last.text.push_str(&text);
        return;
    }
    out.push(Run { text, bold, italic, nobreak: false, footnote: Vec::new() });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(s: &str) -> Vec<(String, bool, bool)> {
        inline(s).into_iter().map(|r| (r.text, r.bold, r.italic)).collect()
    }

    #[test]
    fn outline_labels() {
        let kinds: Vec<_> = parse(
            "I. MỤC ĐÍCH YÊU CẦU\n1. Mục đích\n- Đẩy mạnh\n+ Niêm yết\na) Điểm a\nđ) Điểm đ\n5.1. Nhiệm vụ\nTrên đây là.\n\n",
        )
        .into_iter()
        .map(|b| (b.kind, b.strong))
        .collect();
        use BlockKind::*;
        assert_eq!(
            kinds,
            [
                (Section, true),
                (Clause, true),
                (Dash, false),
                (Plus, false),
                (Point, false),
                (Point, false),
                (Clause, true),
                (Paragraph, false)
            ]
        );
    }

    #[test]
    fn pipe_tables() {
        let blocks =
            parse("Trước bảng.\n| Nhóm | Số cuộc |\n|---|--:|\n| Xã | 1.250 |\n| Tổng | 3 | thừa |\nSau bảng.");
        assert_eq!(blocks.len(), 3);
        let t = &blocks[1];
        assert_eq!(t.kind, BlockKind::Table);
        assert!(t.header);
        assert_eq!(t.cells, [vec!["Nhóm", "Số cuộc", ""], vec!["Xã", "1.250", ""], vec!["Tổng", "3", "thừa"]]);
        assert_eq!(blocks[2].plain(), "Sau bảng.");
    }

    #[test]
    fn numbered_heading_without_the_last_dot() {
        use BlockKind::*;
        for (line, kind) in [
            ("1.3 Tổ chức thực hiện", Clause),
            ("2.3.1 Kiểm tra", Clause),
            ("1.3. Tổ chức thực hiện", Clause),
            ("5 đơn vị đã báo cáo.", Paragraph),
            ("1.500 người tham dự.", Paragraph),
            ("1..3 Sai", Paragraph),
        ] {
            assert_eq!(classify(line), kind, "{line}");
        }
        assert!(parse_line("1.3 Tổ chức thực hiện").strong);
    }

    #[test]
    fn clause_with_sentence_is_not_bold() {
        assert!(!parse_line("1. Các cơ quan báo cáo đúng hạn.").strong);
        assert!(parse_line("3. Văn phòng HĐND&UBND huyện").strong);
    }

    #[test]
    fn not_labels() {
        for line in ["IV.5 triệu", "1.250 người", "I.", "-5 độ", "ab) x", "2022. năm"] {
            assert_eq!(parse_line(line).kind, BlockKind::Paragraph, "{line}");
        }
    }

    #[test]
    fn inline_marks() {
        assert_eq!(
            runs("a *nghiêng* b **đậm** c"),
            [
                ("a ".into(), false, false),
                ("nghiêng".into(), false, true),
                (" b ".into(), false, false),
                ("đậm".into(), true, false),
                (" c".into(), false, false)
            ]
        );
        assert_eq!(runs("**đậm *cả nghiêng***"), [("đậm ".into(), true, false), ("cả nghiêng".into(), true, true)]);
    }

    #[test]
    fn slashed_tokens_stay_whole() {
        let runs = inline("Kế hoạch số 4707/QĐ-UBND ngày 24/12/2021 và/hoặc / rời");
        let kept: Vec<&str> = runs.iter().filter(|r| r.nobreak).map(|r| r.text.as_str()).collect();
        assert_eq!(kept, ["4707/QĐ-UBND", "24/12/2021", "và/hoặc"]);
        let text: String = runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(text, "Kế hoạch số 4707/QĐ-UBND ngày 24/12/2021 và/hoặc / rời");
    }

    /// Deterministic pseudo-random lines of marks, labels and Vietnamese letters: parsing
    /// never panics and never loses or adds a character (marks aside).
    #[test]
    fn arbitrary_lines_never_panic() {
        let alphabet: Vec<char> = "*|/ -+.)aIVX1đĐệỦ#$_@<>[]\\`\t{}".chars().collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..5000 {
            let len = (seed % 24) as usize;
            let mut line = String::new();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                line.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let blocks = parse(&line);
            let text: String = blocks.iter().flat_map(|b| b.runs.iter().map(|r| r.text.clone())).collect();
            let strip = |s: &str| s.chars().filter(|c| !matches!(c, '*' | '|' | ' ' | '\t')).collect::<String>();
            if blocks.iter().all(|b| b.kind != BlockKind::Table) {
                assert_eq!(strip(&text), strip(line.trim()), "{line:?}");
            }
        }
    }

    #[test]
    fn footnotes_refer_to_their_note_lines() {
        let blocks = parse(
            "Căn cứ các văn bản[^1] và Luật[^x].\n[^1]: Nghị định số 30/2020/NĐ-CP; **Luật** 2025.\n[^2]: không ai gọi",
        );
        assert_eq!(blocks.len(), 2, "the used note line is not a paragraph; the unused one stays");
        let runs = &blocks[0].runs;
        let note = runs.iter().find(|r| !r.footnote.is_empty()).expect("a footnote run");
        assert!(note.text.is_empty());
        let text: String = note.footnote.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(text, "Nghị định số 30/2020/NĐ-CP; Luật 2025.");
        assert!(note.footnote.iter().any(|r| r.bold));
        let body: String = runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(body, "Căn cứ các văn bản và Luật[^x].", "an undefined reference stays text");
        assert_eq!(blocks[1].plain(), "[^2]: không ai gọi");
    }

    #[test]
    fn stray_marks_are_literal() {
        for s in ["2 * 3 = 6", "a ** b", "*mở mà không đóng", "** **", "*", "**", "x* y*", "`#$_@<>[]\\//=~+-`"] {
            let got: String = inline(s).iter().map(|r| r.text.as_str()).collect();
            assert_eq!(got, s);
            assert!(inline(s).iter().all(|r| !r.bold && !r.italic), "{s}");
        }
    }
}
