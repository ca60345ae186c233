//! ASCII slugs and pinyin ordering for Chinese names.
//!
//! Series slugs are pinyin initials (温政发 → `wzf`); issuer slugs are full toneless pinyin,
//! one syllable per character joined by `-` (温州市商务局 → `wen-zhou-shi-shang-wu-ju`); type
//! slugs are the syllables run together (通知 → `tongzhi`). Pinyin is read with each
//! character's most common reading, which is wrong for heteronyms (乐清 is Yuèqīng); sites fix
//! those with overrides in `gazette.yaml`. Whatever the input, a derived slug holds only
//! `[a-z0-9-]`, so it can never leave the folder it names.

use std::borrow::Cow;

use pinyin::ToPinyin;

enum Token {
    Syllable(Cow<'static, str>),
    Word(String),
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        let c = match c {
            // Full-width ASCII variants.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
            continue;
        }
        if !word.is_empty() {
            out.push(Token::Word(std::mem::take(&mut word)));
        }
        if let Some(p) = c.to_pinyin() {
            // ü (旅 lǚ, 女 nǚ) is written v, as pinyin keyboards do, to stay ASCII.
            let plain = p.plain();
            out.push(Token::Syllable(if plain.contains('ü') {
                Cow::Owned(plain.replace('ü', "v"))
            } else {
                Cow::Borrowed(plain)
            }));
        }
    }
    if !word.is_empty() {
        out.push(Token::Word(word));
    }
    out
}

/// Pinyin initials, for 机关代字: `温浙集（开）管` → `wzjkg`. Latin letters and digits are kept.
pub fn initials(text: &str) -> String {
    tokens(text)
        .into_iter()
        .map(|t| match t {
            Token::Syllable(s) => s[..1].to_string(),
            Token::Word(w) => w,
        })
        .collect()
}

/// Full pinyin, one syllable per character, joined by `-`: `温州市商务局` → `wen-zhou-shi-shang-wu-ju`.
pub fn syllables(text: &str) -> String {
    tokens(text)
        .into_iter()
        .map(|t| match t {
            Token::Syllable(s) => s.into_owned(),
            Token::Word(w) => w,
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Full pinyin run together: `通知` → `tongzhi`.
pub fn compact(text: &str) -> String {
    syllables(text).replace('-', "")
}

/// Whether `slug` is a safe, canonical slug: `[a-z0-9]` words joined by single `-`, at most
/// 120 characters. Such a slug cannot name a parent folder or a hidden file.
pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 120
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A key that sorts Chinese names in pinyin order (then by the name itself, so the order is
/// total and stable).
pub fn sort_key(text: &str) -> (String, String) {
    let mut key = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        match c.to_pinyin() {
            Some(p) => key.push_str(&p.plain().replace('ü', "v")),
            None => key.extend(c.to_lowercase()),
        }
        key.push(' ');
    }
    (key, text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn series_initials() {
        assert_eq!(initials("温政发"), "wzf");
        assert_eq!(initials("温商务联发"), "wswlf");
        assert_eq!(initials("温浙集（开）管"), "wzjkg");
        assert_eq!(initials("温政办"), "wzb");
    }

    #[test]
    fn issuer_and_type_slugs() {
        assert_eq!(syllables("温州市商务局"), "wen-zhou-shi-shang-wu-ju");
        assert_eq!(
            syllables("温州市 5G 办公室"),
            "wen-zhou-shi-5g-ban-gong-shi"
        );
        assert_eq!(compact("通知"), "tongzhi");
        assert_eq!(syllables("〔〕!?"), "");
        assert_eq!(syllables("文化广电旅游局"), "wen-hua-guang-dian-lv-you-ju");
        assert_eq!(initials("女"), "n");
    }

    #[test]
    fn validity() {
        assert!(is_valid("wzf"));
        assert!(is_valid("wen-zhou-2019"));
        for bad in [
            "", "-a", "a-", "a--b", "A", "..", "a/b", "a\\b", "a.b", "a b",
        ] {
            assert!(!is_valid(bad), "{bad:?}");
        }
    }

    #[test]
    fn pinyin_order() {
        let mut names = vec![
            "温州市财政局",
            "温州市商务局",
            "温州市人民政府",
            "瓯海区人民政府",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            [
                "瓯海区人民政府",
                "温州市财政局",
                "温州市人民政府",
                "温州市商务局"
            ]
        );
    }

    proptest! {
        #[test]
        fn derived_slugs_are_ascii_and_contained(s in "\\PC{0,40}") {
            for slug in [initials(&s), syllables(&s), compact(&s)] {
                prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
                prop_assert!(slug.is_empty() || is_valid(&slug), "{:?}", slug);
            }
        }

        #[test]
        fn chinese_names_always_give_valid_slugs(s in "[\\u4e00-\\u9fa5]{1,16}") {
            for slug in [initials(&s), syllables(&s), compact(&s)] {
                prop_assert!(is_valid(&slug), "{:?} → {:?}", s, slug);
            }
        }

        #[test]
        fn slugs_are_stable(s in "[\\u4e00-\\u9fa5a-zA-Z0-9（）]{0,12}") {
            prop_assert_eq!(syllables(&s), syllables(&s.clone()));
            prop_assert_eq!(initials(&s), initials(&s));
        }
    }
}
