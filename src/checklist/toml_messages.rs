//! toml_parser's descriptions of syntax errors ("invalid unquoted key", "unclosed
//! array"…) as Chinese sentences an editor can act on.

use super::escape::quoted;

const CHECK_QUOTES: &str = "检查这一处的引号、方括号和等号是否成对、完整；文字要放在英文双引号里。";
const NUMBER_HELP: &str =
    "数字直接写、不加引号，小数点用英文句点，例如 `min_share = 0.8`；要写文字就放进英文双引号里。";
const INLINE_TABLE_HELP: &str = "花括号写成 `{ a = 1, b = 2 }`：键值对之间用英文逗号隔开、写在同一行；清单里更清楚的写法是用 `[表名]` 分行写。";

/// toml's `description` of an error, as a sentence and what to do. `text` is what
/// the error's span covers; `original` is toml's whole message, quoted only for a
/// description this version does not know.
pub(super) fn translated(description: &str, text: &str, original: &str) -> (String, String) {
    let (message, help): (String, &str) = match description {
        "duplicate key" => (
            format!("键 `{}` 在这个表里已经写过", quoted(text)),
            "每个键在一个表里只写一次：删去多余的一行，或把两行合并。",
        ),
        d if d.starts_with("cannot extend") => (
            format!("`{}` 已经有值，不能再在它下面写键", quoted(text)),
            "检查表名和带点的键名是否写错；一个键不能既是值又是表。",
        ),
        "unclosed table" | "unclosed array table" => (
            "表头缺少右方括号 `]`".into(),
            "表头要用方括号括起来，例如 `[checklist]`、`[[chapter.section.item]]`。",
        ),
        "invalid basic string" | "invalid string" => {
            ("英文双引号里的文字写法有误".into(), CHECK_QUOTES)
        }
        "invalid literal string" | "invalid multi-line literal string" => {
            ("英文单引号里的文字写法有误".into(), CHECK_QUOTES)
        }
        "invalid multi-line basic string" => ("多行文字写法有误".into(), CHECK_QUOTES),
        "missing escaped value" | "too few unicode value digits" => (
            "文字里的反斜杠 `\\` 后面不是合法的转义".into(),
            "反斜杠在英文双引号里有特殊含义：要写反斜杠本身请写两个 `\\\\`，或把整段文字改用英文单引号 `'…'` 括起来。",
        ),
        "missing value" | "missing value for key" => (
            "`=` 后面缺少值".into(),
            "在 `=` 后面写上值，例如 `title = \"全科医生\"`；不需要这个键时删去整行。",
        ),
        "string values must be quoted" if text.trim().is_empty() => (
            "`=` 后面缺少值".into(),
            "在 `=` 后面写上值，例如 `title = \"全科医生\"`；不需要这个键时删去整行。",
        ),
        "string values must be quoted" => (
            "文字没有放在英文双引号里".into(),
            "把这个值用英文双引号括起来，例如 `title = \"全科医生\"`；数字和 true/false 不加引号。",
        ),
        "missing opening quote" => (
            "文字缺少开头的英文双引号".into(),
            "文字两头都要有英文双引号，例如 `title = \"全科医生\"`。",
        ),
        "key with no value" | "missing assignment between key-value pairs" => (
            "这一行只有键，没有 `=` 和值".into(),
            "写成 `键 = 值`，例如 `title = \"全科医生\"`；这一行多余时删去它。",
        ),
        "invalid unquoted key"
        | "unquoted keys cannot be empty"
        | "invalid key-value pair"
        | "invalid key" => (
            "键名缺失，或含有不允许的字符".into(),
            "每行写成 `键 = 值`：键名只用英文字母、数字、`_` 和 `-`，例如 `title`；文字内容写在 `=` 右边的英文双引号里。",
        ),
        "unexpected key or value"
        | "unexpected content"
        | "unexpected content between comment and newline"
        | "missing comment start"
        | "extra `=`" => (
            "这一行在值的后面还有多余的内容".into(),
            "一行只写一个 `键 = 值`；要加说明，请在 `#` 后面写注释。",
        ),
        "missing comma between array elements" | "extra comma in array" => (
            "列表的逗号写法有误".into(),
            "列表写成 `[\"查阅资料\", \"访谈\"]`：每两项之间一个英文逗号 `,`。",
        ),
        "unclosed array" | "missing array opening" | "unexpected `=` in array" => (
            "列表的方括号不成对".into(),
            "列表以 `[` 开始、以 `]` 结束，例如 `methods = [\"查阅资料\", \"访谈\"]`。",
        ),
        "unclosed inline table"
        | "missing inline table opening"
        | "missing comma between key-value pairs"
        | "extra assignment between key-value pairs"
        | "extra comma in inline table"
        | "missing key for inline table element"
        | "invalid inline table element" => ("花括号 `{}` 里的写法有误".into(), INLINE_TABLE_HELP),
        "invalid boolean" => (
            "true 或 false 写错了".into(),
            "是与否写成小写的 true 或 false，不加引号，例如 `core = true`。",
        ),
        "invalid date-time" => (
            "日期时间写法有误".into(),
            "清单里的日期请写成带引号的文字，例如 `version = \"2022-01-01\"`。",
        ),
        d if d.starts_with("invalid")
            && [
                "number", "float", "integer", "exponent", "fraction", "mantissa",
            ]
            .iter()
            .any(|w| d.contains(w)) =>
        {
            ("数字写法有误".into(), NUMBER_HELP)
        }
        "unexpected leading zero"
        | "`_` may only go between digits"
        | "redundant numeric sign"
        | "unexpected sign"
        | "integers with a radix cannot be signed"
        | "radix must be lowercase"
        | "redundant integer number prefix" => ("数字写法有误".into(), NUMBER_HELP),
        "invalid comment character" | "invalid value" if text.chars().any(char::is_control) => (
            "这里有一个看不见的控制字符".into(),
            "删去这个字符（在编辑器里它可能显示为空白或方块），再保存。",
        ),
        "invalid value" => (
            "这里的值无法识别".into(),
            "文字放在英文双引号里，例如 `title = \"全科医生\"`；数字和 true/false 直接写、不加引号。",
        ),
        "invalid table" | "missing table open" => (
            "表头写法有误".into(),
            "表头写成 `[名称]` 或 `[[名称]]`，单独占一行，例如 `[[chapter.section.item]]`。",
        ),
        "invalid comment character" => (
            "注释里有不允许的字符".into(),
            "删去这个字符（在编辑器里它可能显示为空白或方块），再保存。",
        ),
        "carriage return must be followed by newline" => (
            "这里有一个单独的回车符".into(),
            "用编辑器把文件的换行方式改成 LF 或 CRLF 后保存。",
        ),
        d if d.starts_with("keys cannot be multi-line") => (
            "键名不能写成三引号的多行文字".into(),
            "键名只用英文字母、数字、`_` 和 `-`，不加引号，例如 `title`。",
        ),
        d if d.contains("recursion") => (
            "括号嵌套的层数太多".into(),
            "清单用不到这么多层括号：检查是否多写了 `[` 或 `{`。",
        ),
        "could not allocate for string" => (
            "这段文字太长，无法读取".into(),
            "把文字缩短，或分成几个键写。",
        ),
        _ => {
            return (
                "TOML 语法错误：这里不符合 TOML 格式".into(),
                format!("{CHECK_QUOTES}（解析器的原话：{}）", quoted(original)),
            );
        }
    };
    (format!("TOML 语法错误：{message}"), help.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every description toml_parser 1.1 can give (from its source).
    const DESCRIPTIONS: &[&str] = &[
        "`_` may only go between digits",
        "cannot recurse further; max recursion depth met",
        "carriage return must be followed by newline",
        "could not allocate for string",
        "duplicate key",
        "cannot extend value of type table with a dotted key",
        "extra `=`",
        "extra assignment between key-value pairs",
        "extra comma in array",
        "extra comma in inline table",
        "integers with a radix cannot be signed",
        "invalid basic string",
        "invalid binary number",
        "invalid boolean",
        "invalid comment character",
        "invalid date-time",
        "invalid exponent",
        "invalid float",
        "invalid fraction",
        "invalid hexadecimal number",
        "invalid inline table element",
        "invalid integer number",
        "invalid key",
        "invalid key-value pair",
        "invalid literal string",
        "invalid mantissa",
        "invalid multi-line basic string",
        "invalid multi-line literal string",
        "invalid octal number",
        "invalid string",
        "invalid table",
        "invalid unquoted key",
        "invalid value",
        "key with no value",
        "keys cannot be multi-line basic strings",
        "keys cannot be multi-line literal strings",
        "missing array opening",
        "missing assignment between key-value pairs",
        "missing comma between array elements",
        "missing comma between key-value pairs",
        "missing comment start",
        "missing escaped value",
        "missing inline table opening",
        "missing key for inline table element",
        "missing opening quote",
        "missing table open",
        "missing value for key",
        "missing value",
        "radix must be lowercase",
        "recursion limit",
        "redundant integer number prefix",
        "redundant numeric sign",
        "string values must be quoted",
        "too few unicode value digits",
        "unclosed array table",
        "unclosed array",
        "unclosed inline table",
        "unclosed table",
        "unexpected `=` in array",
        "unexpected content between comment and newline",
        "unexpected content",
        "unexpected key or value",
        "unexpected leading zero",
        "unexpected sign",
    ];

    #[test]
    fn every_toml_description_has_a_chinese_sentence() {
        for d in DESCRIPTIONS {
            let (message, help) = translated(d, "x", d);
            assert!(!help.contains("解析器的原话"), "{d}: {message}");
            assert!(!message.contains(d), "{d}: {message}");
        }
    }
}
