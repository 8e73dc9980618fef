//! The help overlay, built from the live keymap: what every key does here first,
//! then everywhere else, and where the user's keymap file is.

use ratatui::crossterm::event::KeyCode;

use super::{MessageLine, MessageView};
use crate::tui::action::{Command, Context};
use crate::tui::app::Options;
use crate::tui::keymap::Keymap;

pub struct HelpView {
    pub viewer: MessageView,
}

impl HelpView {
    pub fn new(keymap: &Keymap, here: Context, options: &Options) -> HelpView {
        let mut lines: Vec<MessageLine> = Vec::new();
        let mut order = vec![here, Context::Global];
        order.extend(Context::all().filter(|c| *c != here && *c != Context::Global));
        for context in order {
            let bindings = keymap.bindings(context);
            if bindings.is_empty() {
                continue;
            }
            lines.push(MessageLine::Heading(context.title().to_string()));
            let key_w = bindings
                .iter()
                .map(|(_, k)| crate::text::cells(k))
                .max()
                .unwrap_or(0)
                .min(24);
            for (command, keys) in bindings {
                lines.push(
                    format!(
                        "  {}  {}",
                        crate::text::pad(&keys, key_w),
                        command.label_in(context)
                    )
                    .into(),
                );
            }
            if context.types_text() {
                lines.push(
                    "  其余按键直接输入文字；←/→ 移动光标，退格/Del 删除，Ctrl-A/Ctrl-E 到行首/行尾。"
                        .into(),
                );
            }
            if context == Context::Editor {
                lines.push("  Enter 换行（粘贴的多行文字也按原样换行，不会提交）。".into());
            }
            if context == Context::Walkthrough {
                walkthrough_notes(&mut lines, keymap);
            }
            if context == Context::Global {
                let quit = keymap.first_key(Context::Global, Command::Quit);
                if !quit.is_empty() {
                    lines.push(
                        format!(
                            "  终端窗口太小时按键都不起作用，只有 {quit} 退出；放大窗口后照常。"
                        )
                        .into(),
                    );
                }
            }
            lines.push("".into());
        }
        lines.push(MessageLine::Heading("改键".to_string()));
        match &options.keymap_file {
            Some(p) => lines.push(
                format!(
                    "在 {} 中只写要改的命令，例如 [walkthrough] 下一行 grade_na = \"0\"；其余沿用默认键位。",
                    p.display()
                )
                .into(),
            ),
            None => lines.push("系统没有提供配置目录，无法使用自定义键位。".into()),
        }
        let mut viewer = MessageView::new("帮助：按键一览", lines);
        viewer.large = true;
        HelpView { viewer }
    }
}

/// How search, filters and the keys that change grades behave in the walkthrough.
fn walkthrough_notes(lines: &mut Vec<MessageLine>, keymap: &Keymap) {
    let key = |c| keymap.first_key(Context::Walkthrough, c);
    let back = keymap.key_preferring(Context::Walkthrough, Command::Back, KeyCode::Esc);
    let notes = [
        format!(
            "  搜索（{}）：几个词用空格隔开，条款要包含每一个词，次序不限；也可以输入拼音首字母，如 xdgl 找「消毒管理」。",
            key(Command::Search)
        ),
        "  筛选或搜索后选中第一条符合的条款，边框上写着「第 k / N 条」。评分后不再符合筛选的条款仍选中、标明「已不在筛选中」，移到别的条款后才隐藏。".to_string(),
        format!("  有搜索时 {back} 先清除搜索，再按一次才返回检查列表。"),
        format!(
            "  退格键和 Del 键不改动评分；清除评分用 {}，状态栏会写明清除了哪一条、原来是什么档次。",
            key(Command::ClearGrade)
        ),
        format!(
            "  {} 撤销你在本机对这次检查的上一次改动（评分、备注、整改意见、佐证），{} 重做；撤销和重做都记入日志，状态栏写明改了哪一条、从什么改回什么，并选中那一条。别人之后又改过的条款不能撤销。",
            key(Command::Undo),
            key(Command::Redo)
        ),
    ];
    lines.extend(notes.into_iter().map(MessageLine::from));
}
