//! The right pane of the walkthrough: the selected item in full (id, title, tier,
//! methods, the C/B/A criteria wrapped by display width, grade, note, 整改意见,
//! guidance), or a chapter's / section's counts when a header is selected.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::theme;
use crate::checklist::Item;
use crate::scoring::{Counts, Grade};
use crate::text::{truncate, wrap};
use crate::tui::action::{Command, Context};
use crate::tui::keymap::Keymap;
use crate::tui::screens::{Row, Walkthrough};

/// Longest note shown here; the editor shows all of it.
const PREVIEW_CHARS: usize = 3000;

pub fn draw(frame: &mut Frame, area: Rect, w: &Walkthrough, keymap: &Keymap) {
    let block = Block::default().borders(Borders::ALL);
    let inner = block.inner(area);
    let text_w = inner.width.saturating_sub(2) as usize;
    let (title, lines) = match w.selected_row() {
        Some(Row::Item(ci, si, ii)) => (
            " 条款详情 ",
            item_lines(
                w,
                &w.checklist.chapters[ci].sections[si].items[ii],
                text_w,
                keymap,
            ),
        ),
        Some(Row::Chapter(ci)) => (" 章 ", header_lines(w, ci, None, text_w, keymap)),
        Some(Row::Section(ci, si)) => (" 节 ", header_lines(w, ci, Some(si), text_w, keymap)),
        None => (" 条款详情 ", Vec::new()),
    };
    let block = block.title(Span::styled(title, theme::bold()));
    frame.render_widget(block, area);
    let height = inner.height as usize;
    let max_scroll = lines.len().saturating_sub(height);
    w.detail_max_scroll.set(max_scroll);
    w.detail_height.set(height);
    let scroll = w.detail_scroll.min(max_scroll);
    let mut shown: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
    if max_scroll > scroll && height > 0 && shown.len() == height {
        let more = format!(
            "  …（{} 下翻）",
            keymap.first_key(Context::Walkthrough, Command::ScrollDown)
        );
        shown[height - 1] = Line::from(Span::styled(more, theme::dim()));
    }
    let inner = crate::tui::views::padded(inner);
    frame.render_widget(Paragraph::new(shown), inner);
}

fn push_wrapped(
    lines: &mut Vec<Line<'static>>,
    text: &str,
    width: usize,
    indent: usize,
    style: Style,
) {
    for l in wrap(text, width.saturating_sub(indent)) {
        lines.push(Line::from(Span::styled(
            format!("{}{l}", " ".repeat(indent)),
            style,
        )));
    }
}

fn item_lines(w: &Walkthrough, item: &Item, width: usize, keymap: &Keymap) -> Vec<Line<'static>> {
    let key = |c| keymap.first_key(Context::Walkthrough, c);
    let grade = w.grade_of(&item.id);
    let assessment = w.assessments.get(&item.id);
    let mut lines = Vec::new();

    let mut head = vec![Span::styled(item.id.clone(), theme::bold())];
    if item.core {
        head.push(Span::styled("  ★核心条款", theme::core_star()));
    }
    head.push(Span::raw(format!("  {}", item.tier.label())));
    lines.push(Line::from(head));
    push_wrapped(&mut lines, &item.title, width, 0, theme::bold());
    push_wrapped(
        &mut lines,
        &format!("评价方法：{}", item.methods.join("、")),
        width,
        0,
        Style::default(),
    );
    let mut grade_line = vec![
        Span::raw("当前档次："),
        Span::styled(
            theme::grade_label(grade),
            theme::grade(grade).patch(theme::bold()),
        ),
    ];
    if let Some(a) = assessment.filter(|a| !a.by.is_empty() && a.grade.is_some()) {
        grade_line.push(Span::styled(format!("（{}）", a.by), theme::dim()));
    }
    lines.push(Line::from(grade_line));
    if w.kept.as_deref() == Some(item.id.as_str()) {
        let text = format!(
            "已不在筛选「{}」中：修改后不再符合，仍留在这里，移到别的条款后不再显示",
            w.filter_label()
        );
        push_wrapped(&mut lines, &text, width, 0, theme::warning());
    }
    if let Some(c) = w.conflicts.get(&item.id) {
        let text = format!(
            "冲突：合并时有 {} 个不同的版本，这里显示的是最新的一个；按 {} 查看并裁定",
            c.len(),
            key(Command::Conflicts)
        );
        push_wrapped(&mut lines, &text, width, 0, theme::warning());
    }
    if !item.allow_na {
        lines.push(Line::from(Span::styled(
            "本条款不可评为不适用",
            theme::dim(),
        )));
    }
    lines.push(Line::from(""));

    lines.push(Line::from(Span::styled("评价要点", theme::heading())));
    let tiers = [
        ("C", Some(&item.criteria.c), Grade::C),
        ("B", item.criteria.b.as_ref(), Grade::B),
        ("A", item.criteria.a.as_ref(), Grade::A),
    ];
    for (letter, text, tier) in tiers {
        let Some(text) = text else { continue };
        let mut label = vec![Span::styled(format!("{letter} 档"), theme::bold())];
        if grade == Some(tier) {
            label.push(Span::styled(" ◀ 当前档次", theme::grade(grade)));
        }
        lines.push(Line::from(label));
        push_wrapped(&mut lines, text, width, 2, Style::default());
    }
    if grade == Some(Grade::D) {
        lines.push(Line::from(Span::styled(
            "未达到 C 档：不达标",
            theme::error(),
        )));
    }
    lines.push(Line::from(""));

    for (label, text, command) in [
        (
            "备注",
            assessment.map(|a| a.note.as_str()),
            Command::EditNote,
        ),
        (
            "整改意见",
            assessment.map(|a| a.corrective_action.as_str()),
            Command::EditCorrectiveAction,
        ),
    ] {
        lines.push(Line::from(vec![
            Span::styled(label, theme::heading()),
            Span::styled(format!("  {} 编辑", key(command)), theme::dim()),
        ]));
        match text.filter(|t| !t.is_empty()) {
            Some(t) => {
                let chars = t.chars().count();
                if chars > PREVIEW_CHARS {
                    let head: String = t.chars().take(PREVIEW_CHARS).collect();
                    push_wrapped(&mut lines, &head, width, 2, Style::default());
                    lines.push(Line::from(Span::styled(
                        format!("  …（共 {chars} 字，按 {} 查看全文）", key(command)),
                        theme::dim(),
                    )));
                } else {
                    push_wrapped(&mut lines, t, width, 2, Style::default());
                }
            }
            None => lines.push(Line::from(Span::styled("  （无）", theme::dim()))),
        }
    }
    if let Some(a) = assessment.filter(|a| crate::store::has_action(a)) {
        lines.push(Line::from(vec![
            Span::styled("整改安排", theme::heading()),
            Span::styled(format!("  {} 修改", key(Command::EditPlan)), theme::dim()),
        ]));
        let overdue = a.plan.overdue(crate::time::today());
        let mut text = a.plan.summary();
        if overdue {
            text.push_str("（已过整改期限）");
        }
        let style = if overdue {
            theme::warning()
        } else {
            Style::default()
        };
        push_wrapped(&mut lines, &text, width, 2, style);
    }
    if let Some(p) = w.previous_actions.get(&item.id) {
        lines.push(Line::from(vec![
            Span::styled(
                format!("上次整改意见（{}）", w.previous_review),
                theme::heading(),
            ),
            Span::styled(
                format!("  {} 记录落实情况", key(Command::FollowUp)),
                theme::dim(),
            ),
        ]));
        push_wrapped(&mut lines, &p.text, width, 2, Style::default());
        push_wrapped(&mut lines, &p.plan.summary(), width, 2, theme::dim());
        let found = assessment.and_then(|a| a.follow_up);
        let style = match found {
            Some(crate::store::FollowUp::Done) => theme::good(),
            Some(crate::store::FollowUp::Partly) => theme::warning(),
            Some(crate::store::FollowUp::NotDone) => theme::error(),
            None => theme::warning(),
        };
        lines.push(Line::from(vec![
            Span::raw("  本次核查："),
            Span::styled(crate::store::follow_up_text(found), style),
        ]));
    }
    lines.push(Line::from(vec![
        Span::styled("佐证材料", theme::heading()),
        Span::styled(
            format!(
                "  {} 附上  {} 打开或去掉",
                key(Command::AttachEvidence),
                key(Command::ShowEvidence)
            ),
            theme::dim(),
        ),
    ]));
    match assessment
        .map(|a| a.evidence.as_slice())
        .unwrap_or_default()
    {
        [] => lines.push(Line::from(Span::styled("  （无）", theme::dim()))),
        all => {
            for (n, e) in all.iter().enumerate() {
                let present = !w.missing.contains(&e.sha256);
                let text = crate::tui::popups::evidence_line(n + 1, e, present);
                let style = if present {
                    Style::default()
                } else {
                    theme::warning()
                };
                push_wrapped(&mut lines, &text, width, 2, style);
            }
        }
    }
    if let Some(g) = &item.guidance {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("评审提示", theme::heading())));
        push_wrapped(&mut lines, g, width, 2, Style::default());
    }
    lines
}

fn header_lines(
    w: &Walkthrough,
    ci: usize,
    si: Option<usize>,
    width: usize,
    keymap: &Keymap,
) -> Vec<Line<'static>> {
    let ch = &w.checklist.chapters[ci];
    let (id, title, items): (&str, &str, Vec<&Item>) = match si {
        Some(si) => {
            let s = &ch.sections[si];
            (&s.id, &s.title, s.items.iter().collect())
        }
        None => (
            &ch.id,
            &ch.title,
            ch.sections.iter().flat_map(|s| s.items.iter()).collect(),
        ),
    };
    let mut counts = Counts::default();
    for it in &items {
        counts.add(w.grade_of(&it.id));
    }
    let mut lines = Vec::new();
    push_wrapped(
        &mut lines,
        &format!("{id} {title}"),
        width,
        0,
        theme::bold(),
    );
    lines.push(Line::from(format!(
        "条款 {} 条，已评 {} 条",
        counts.total(),
        counts.graded()
    )));
    lines.push(Line::from(format!(
        "A {}  B {}  C {}  不达标 {}  不适用 {}  待评 {}",
        counts.a, counts.b, counts.c, counts.d, counts.na, counts.pending
    )));
    let core = items.iter().filter(|i| i.core).count();
    if core > 0 {
        lines.push(Line::from(format!("其中 ★核心条款 {core} 条")));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        truncate(
            &format!(
                "{} 展开/收起，{} 进入，{} 下一条待评",
                keymap.first_key(Context::Walkthrough, Command::Toggle),
                keymap.first_key(Context::Walkthrough, Command::Expand),
                keymap.first_key(Context::Walkthrough, Command::NextPending),
            ),
            width,
        ),
        theme::dim(),
    )));
    lines
}
