//! The help overlay, built from the live keymap: what every key does here first,
//! then everywhere else, and where the user's keymap file is.

use super::{MessageLine, MessageView};
use crate::tui::action::Context;
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
