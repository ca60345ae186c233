//! The little of CBOR (RFC 8949) the index files use: definite-length arrays, unsigned and
//! negative integers and text strings, each head in its shortest form.

/// Appends CBOR items to a buffer.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    fn head(&mut self, major: u8, value: u64) {
        let major = major << 5;
        match value {
            0..=23 => self.bytes.push(major | value as u8),
            24..=0xFF => self.bytes.extend([major | 24, value as u8]),
            0x100..=0xFFFF => {
                self.bytes.push(major | 25);
                self.bytes.extend((value as u16).to_be_bytes());
            }
            0x1_0000..=0xFFFF_FFFF => {
                self.bytes.push(major | 26);
                self.bytes.extend((value as u32).to_be_bytes());
            }
            _ => {
                self.bytes.push(major | 27);
                self.bytes.extend(value.to_be_bytes());
            }
        }
    }

    pub fn array(&mut self, len: usize) {
        self.head(4, len as u64);
    }

    pub fn uint(&mut self, value: u64) {
        self.head(0, value);
    }

    pub fn int(&mut self, value: i64) {
        if value >= 0 {
            self.head(0, value as u64);
        } else {
            self.head(1, (-1 - value) as u64);
        }
    }

    pub fn text(&mut self, s: &str) {
        self.head(3, s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
    }

    pub fn ints(&mut self, values: &[i32]) {
        self.array(values.len());
        for &v in values {
            self.int(i64::from(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_heads() {
        let mut w = Writer::default();
        w.uint(23);
        w.uint(24);
        w.int(-1);
        w.int(-25);
        w.uint(70000);
        w.text("a");
        assert_eq!(
            w.bytes,
            [
                23, 24, 24, 0x20, 0x38, 24, 0x1a, 0, 1, 0x11, 0x70, 0x61, b'a'
            ]
        );
    }
}
