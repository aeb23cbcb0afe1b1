//! OpenSID's Regsosek2022K enum numbers three lists differently from the paper form
//! (DTSEN-REFERENCE.md §2.1). Pendata stores the paper form's codes; data imported from OpenSID
//! goes through [`remap_from_opensid`] first.

/// The paper-form code for a code that OpenSID stored for `question`. Codes of other questions,
/// and codes that agree, come back unchanged.
pub const fn remap_from_opensid(question: &str, code: u8) -> u8 {
    match (question.as_bytes(), code) {
        // 305 roof: OpenSID 5 = Kayu/sirap, 6 = Bambu; the form has them the other way round.
        (b"305", 5) => 6,
        (b"305", 6) => 5,
        // 306b distance: OpenSID 3 = Tidak tahu; the form has 8.
        (b"306b", 3) => 8,
        // 308 fuel: OpenSID 12 = Tidak memasak di rumah; the form has 0 (printed 00).
        (b"308", 12) => 0,
        _ => code,
    }
}
