//! The report's layout model, checked without a PDF: everything inside the margins,
//! table headers repeated, rows whole unless taller than a page, Chinese line-break
//! rules; and the fonts' coverage.

use crate::report_support;

use std::collections::{BTreeMap, BTreeSet};

use pingshen::report::layout::{Layout, Role, Shape};
use pingshen::report::{FontSet, ReportInput, ReportOptions, missing_chars, prepare};
use report_support::*;

const EPS: f32 = 0.01;

fn lay_out(input: &ReportInput) -> Layout {
    let options = ReportOptions {
        generated_at: Some(GENERATED_AT.into()),
        ..ReportOptions::default()
    };
    prepare(input, &options).unwrap().layout
}

/// Boxes of the body inside the content area; header and footer inside the page
/// with at least 10 mm to spare.
fn assert_inside_margins(layout: &Layout) {
    let g = layout.geometry;
    for (p, page) in layout.pages.iter().enumerate() {
        for b in &page.boxes {
            if let Shape::Watermark { angle, .. } = &b.shape {
                // Turned about its centre: its extent then, inside the page.
                let (sin, cos) = angle.to_radians().sin_cos();
                let (ex, ey) = ((b.w * cos + b.h * sin) / 2.0, (b.w * sin + b.h * cos) / 2.0);
                let (cx, cy) = (b.x + b.w / 2.0, b.y + b.h / 2.0);
                assert!(
                    cx - ex >= 10.0 && cx + ex <= g.width - 10.0,
                    "page {}: the watermark runs off the page: {b:?}",
                    p + 1
                );
                assert!(cy - ey >= 10.0 && cy + ey <= g.height - 10.0, "{b:?}");
                continue;
            }
            let (l, t, r, bottom) = match b.role {
                Role::PageHeader | Role::PageFooter => {
                    (10.0, 10.0, g.width - 10.0, g.height - 10.0)
                }
                _ => (g.left, g.top, g.width - g.right, g.height - g.bottom),
            };
            assert!(
                b.x >= l - EPS
                    && b.y >= t - EPS
                    && b.x + b.w <= r + EPS
                    && b.y + b.h <= bottom + EPS,
                "page {}: box outside its area ({l}, {t})–({r}, {bottom}): {b:?}",
                p + 1
            );
        }
    }
}

/// Every line of text in a table lies inside a cell of its own row.
fn assert_text_inside_cells(layout: &Layout) {
    for (p, page) in layout.pages.iter().enumerate() {
        for t in &page.boxes {
            if !matches!(t.shape, Shape::Text { .. })
                || !matches!(t.role, Role::TableRow { .. } | Role::TableHeader { .. })
            {
                continue;
            }
            let inside = page.boxes.iter().any(|c| {
                matches!(c.shape, Shape::Rect { .. })
                    && c.role == t.role
                    && t.x >= c.x - EPS
                    && t.x + t.w <= c.x + c.w + EPS
                    && t.y >= c.y - EPS
                    && t.y + t.h <= c.y + c.h + EPS
            });
            assert!(inside, "page {}: text outside its cell: {t:?}", p + 1);
        }
    }
}

/// The table with the most rows: the full item table.
fn item_table(layout: &Layout) -> usize {
    let mut rows: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for r in &layout.rows {
        rows.entry(r.table).or_default().insert(r.row);
    }
    rows.into_iter().max_by_key(|(_, r)| r.len()).unwrap().0
}

/// For every page a table's rows are on, its header is there too, above them.
fn assert_headers_repeat(layout: &Layout, table: usize) {
    let mut pages = 0;
    for (p, page) in layout.pages.iter().enumerate() {
        let rows_top = page
            .boxes
            .iter()
            .filter(|b| matches!(b.role, Role::TableRow { table: t, .. } if t == table))
            .map(|b| b.y)
            .fold(f32::INFINITY, f32::min);
        if rows_top.is_infinite() {
            continue;
        }
        pages += 1;
        let header: Vec<_> = page
            .boxes
            .iter()
            .filter(|b| b.role == Role::TableHeader { table })
            .collect();
        assert!(
            !header.is_empty(),
            "page {}: rows without the header",
            p + 1
        );
        let texts: Vec<&str> = header
            .iter()
            .filter_map(|b| match &b.shape {
                Shape::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(
            texts.contains(&"编号") && texts.contains(&"档次"),
            "{texts:?}"
        );
        let header_bottom = header.iter().map(|b| b.y + b.h).fold(0.0, f32::max);
        assert!(
            header_bottom <= rows_top + EPS,
            "page {}: header below rows",
            p + 1
        );
    }
    assert!(pages > 0);
}

/// Every row on one page, unless taller than what a page holds below the header.
fn assert_rows_whole(layout: &Layout) -> usize {
    let mut pages: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    let mut split = 0;
    for r in &layout.rows {
        pages.entry((r.table, r.row)).or_default().push(r.page);
    }
    for ((table, row), on) in pages {
        if on.len() > 1 {
            let p = layout
                .rows
                .iter()
                .find(|r| r.table == table && r.row == row)
                .unwrap();
            assert!(
                p.full_height > p.room,
                "table {table} row {row} split over pages {on:?} though it fits on one ({} ≤ {})",
                p.full_height,
                p.room
            );
            split += 1;
        }
    }
    split
}

/// The keep rules: no page ends with a heading (something of the body follows every
/// heading on its page), no table header row stands on a page without a row of its
/// table that is not a group row, and the chapter chart is on its heading's page.
fn assert_keep_rules(layout: &Layout) {
    let mut chart_pages = BTreeSet::new();
    let mut chart_heading = None;
    for (p, page) in layout.pages.iter().enumerate() {
        for h in &page.boxes {
            let (Role::Heading, Shape::Text { text, .. }) = (h.role, &h.shape) else {
                continue;
            };
            if text.ends_with("分章统计") {
                chart_heading = Some(p);
            }
            let followed = page.boxes.iter().any(|b| {
                matches!(
                    b.role,
                    Role::Body | Role::Chart | Role::TableHeader { .. } | Role::TableRow { .. }
                ) && b.y >= h.y + h.h - EPS
            });
            assert!(followed, "page {}: the heading {text} ends the page", p + 1);
        }
        let headers: BTreeSet<usize> = page
            .boxes
            .iter()
            .filter_map(|b| match b.role {
                Role::TableHeader { table } => Some(table),
                _ => None,
            })
            .collect();
        for table in headers {
            assert!(
                layout
                    .rows
                    .iter()
                    .any(|r| r.table == table && r.page == p && !r.group),
                "page {}: table {table}'s header without a row of it",
                p + 1
            );
        }
        if page.boxes.iter().any(|b| b.role == Role::Chart) {
            chart_pages.insert(p);
        }
    }
    assert_eq!(
        chart_pages.len(),
        1,
        "the chart on one page: {chart_pages:?}"
    );
    assert_eq!(
        chart_pages.first().copied(),
        chart_heading,
        "the chart on its heading's page"
    );
}

#[test]
fn two_long_notes_never_leave_a_heading_or_a_table_header_at_the_foot_of_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let township = shipped("township-2022");
    let insp = create(&store, &township);
    let failing = grade_all(&store, &insp, &township.0, 0, 0);
    // The two notes of about 600 characters that once left 五、条款明细 and an empty
    // table header at the foot of page 6: on the first items of the item table.
    for item in ["1.1.1", "1.1.2"] {
        store
            .update(
                &insp.id,
                item,
                &[pingshen::store::Edit::Note(long_note(600))],
                "王堃",
            )
            .unwrap();
    }
    let input = ReportInput::load(&store, &insp.id).unwrap();
    // The 整改意见 of one failing item grows (some 14 mm a step), which moves what
    // follows 整改清单 down through more than a page: the table before 条款明细 ends
    // at every height of a page once.
    let moved = &failing[0];
    let mut ends_at = BTreeSet::new();
    for n in 0..20 {
        let mut input = input.clone();
        let a = input.assessments.get_mut(moved).unwrap();
        a.corrective_action = format!("限期整改。{}", "补充完善相关制度和记录".repeat(2 * n));
        let layout = lay_out(&input);
        assert_inside_margins(&layout);
        assert_keep_rules(&layout);
        let items = item_table(&layout);
        assert_headers_repeat(&layout, items);
        // Rows stay whole unless taller than a page (a long 整改意见 in the narrow
        // column of 不达标 may be).
        assert_rows_whole(&layout);
        let before = layout
            .rows
            .iter()
            .filter(|r| r.table + 1 == items)
            .max_by_key(|r| (r.row, r.page))
            .unwrap();
        ends_at.insert(((before.y + before.h) / 25.0) as usize);
    }
    // The sweep did reach the foot of pages.
    assert!(ends_at.len() >= 6 && ends_at.contains(&10), "{ends_at:?}");
}

use pingshen::text::{NO_END, NO_START};

fn assert_line_break_rules(layout: &Layout) {
    for page in &layout.pages {
        for b in &page.boxes {
            // A cell of one mark ("—" for nothing, "★") is not a broken line.
            if let Shape::Text { text, .. } = &b.shape
                && text.chars().count() > 1
            {
                let first = text.chars().next().unwrap_or(' ');
                let last = text.chars().last().unwrap_or(' ');
                // "★ 标题" opens a failing core item's title on purpose.
                assert!(
                    !NO_START.contains(first) || text.starts_with("★ "),
                    "line starts with {first}: {text}"
                );
                assert!(!NO_END.contains(last), "line ends with {last}: {text}");
            }
        }
    }
}

#[test]
fn a_200_item_report_with_long_notes_stays_in_its_margins() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let big = generated(200);
    assert_eq!(big.0.item_count(), 200);
    let insp = create(&store, &big);
    grade_all(&store, &insp, &big.0, 2, 400);
    let layout = lay_out(&ReportInput::load(&store, &insp.id).unwrap());

    assert!(layout.pages.len() > 10, "{} pages", layout.pages.len());
    assert_inside_margins(&layout);
    assert_text_inside_cells(&layout);
    let items = item_table(&layout);
    // 200 items and 4 chapter rows.
    let rows: BTreeSet<usize> = layout
        .rows
        .iter()
        .filter(|r| r.table == items)
        .map(|r| r.row)
        .collect();
    assert_eq!(rows.len(), 204);
    assert_headers_repeat(&layout, items);
    assert_eq!(
        assert_rows_whole(&layout),
        0,
        "no row here is taller than a page"
    );
    assert_line_break_rules(&layout);
    assert_keep_rules(&layout);

    // Every page has its header and its footer with 第 X 页 共 Y 页.
    let total = layout.pages.len();
    for (p, page) in layout.pages.iter().enumerate() {
        let footer: Vec<&str> = page
            .boxes
            .iter()
            .filter(|b| b.role == Role::PageFooter)
            .filter_map(|b| match &b.shape {
                Shape::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(
            footer.contains(&format!("第 {} 页 共 {total} 页", p + 1).as_str()),
            "{footer:?}"
        );
        assert!(page.boxes.iter().any(|b| matches!(&b.shape, Shape::Text { text, .. } if b.role == Role::PageHeader && text == INSTITUTION)));
    }
}

#[test]
fn a_row_taller_than_a_page_is_split_and_stays_in_its_margins() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let township = shipped("township-2022");
    let insp = create(&store, &township);
    grade_all(&store, &insp, &township.0, 40, 10_000);
    let layout = lay_out(&ReportInput::load(&store, &insp.id).unwrap());
    assert_inside_margins(&layout);
    assert_text_inside_cells(&layout);
    assert!(
        assert_rows_whole(&layout) > 0,
        "the 10,000-character notes span pages"
    );
    assert_headers_repeat(&layout, item_table(&layout));
    assert_line_break_rules(&layout);
    assert_keep_rules(&layout);
}

#[test]
fn characters_no_font_has_are_found() {
    let fonts = FontSet::bundled().unwrap();
    assert_eq!(
        missing_chars("评审 abc ★✓—…①⑩ 镕喆堃昇珺玥彧祎赟犇琇垚\u{E000}𠀀", &fonts),
        ['\u{E000}', '𠀀']
    );
    // Both bundled fonts draw what the report itself prints.
    assert!(missing_chars("（）《》「」『』【】，。、；：？！≥％", &fonts).is_empty());
}

#[test]
fn a_missing_character_is_reported_by_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let township = shipped("township-2022");
    let insp = create(&store, &township);
    store
        .update(
            &insp.id,
            "1.1.1",
            &[
                pingshen::store::Edit::Grade(Some(pingshen::scoring::Grade::C)),
                pingshen::store::Edit::Note("生僻字\u{E000}".into()),
            ],
            "王堃",
        )
        .unwrap();
    let input = ReportInput::load(&store, &insp.id).unwrap();
    // Without system fonts (the default of ReportOptions) the private-use character
    // is missing.
    let report = pingshen::report::render(&input, &ReportOptions::default()).unwrap();
    assert_eq!(report.missing, ['\u{E000}']);
}

#[test]
fn a_long_record_seal_wraps_inside_the_margins_on_the_signature_page() {
    use pingshen::report::{RecordSeal, Signer};
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let township = shipped("township-2022");
    let insp = create(&store, &township);
    grade_all(&store, &insp, &township.0, 3, 120);
    let mut input = ReportInput::load(&store, &insp.id).unwrap();
    let names = [
        "王喆",
        "李珺玥",
        "欧阳镕堃",
        "Alexandra Konstantinopoulou-Wright",
        "张彧",
        "司马赟",
    ];
    let fingerprints = [
        "AB12 CD34",
        "9F00 1A2B",
        "",
        "0123 4567 89AB CDEF",
        "",
        "FFFF 0000",
    ];
    input.record = Some(RecordSeal {
        head: "3f2a9c1d0e4b5a69f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281".into(),
        entries: 1_234_567,
        signers: names
            .iter()
            .zip(fingerprints)
            .map(|(n, f)| Signer {
                name: (*n).into(),
                fingerprint: f.into(),
            })
            .collect(),
    });
    let layout = lay_out(&input);
    assert_inside_margins(&layout);
    assert_line_break_rules(&layout);

    // The seal's lines, on the last page with the lines to sign, and all of it there.
    let last = layout.pages.last().unwrap();
    let texts: Vec<&str> = last
        .boxes
        .iter()
        .filter_map(|b| match &b.shape {
            Shape::Text { text, .. } if b.role == Role::Body => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let start = texts
        .iter()
        .position(|t| t.starts_with("记录摘要 3f2a9c1d0e4b5a69…"))
        .unwrap_or_else(|| panic!("{texts:?}"));
    let end = texts.iter().position(|t| *t == "评审组长：").unwrap();
    assert!(
        end - start >= 2,
        "a long seal takes more than one line: {texts:?}"
    );
    // Broken only where the wrapping rules allow: nothing lost but the spaces at breaks.
    let unspaced = |t: &str| t.chars().filter(|c| *c != ' ').collect::<String>();
    assert_eq!(
        unspaced(&texts[start..end].concat()),
        unspaced(&input.record.as_ref().unwrap().summary())
    );
    assert!(texts.contains(&"机构负责人："));
}
