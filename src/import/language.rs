//! Which language a document is written in, detected on import with `whatlang` (trigram
//! statistics; no model files, no network), so search can stem each document in its own
//! language.

use crate::model::Language;
use whatlang::Lang;

const CANDIDATES: [Lang; 11] = [
    Lang::Eng,
    Lang::Nob,
    Lang::Dan,
    Lang::Swe,
    Lang::Fin,
    Lang::Deu,
    Lang::Nld,
    Lang::Fra,
    Lang::Spa,
    Lang::Por,
    Lang::Ita,
];

/// The language of a text among those Tema has a stemmer for, by `whatlang`.
/// Speaker labels and timestamps are noise to the detector, but a transcript has far more words
/// than labels; very short texts (under about 20 words) give `None`.
pub fn detect(text: &str) -> Option<Language> {
    // The first 20,000 bytes are plenty, and keep detection fast on long transcripts.
    let end = text.char_indices().map(|(i, _)| i).take_while(|i| *i <= 20_000).last().unwrap_or(0);
    let sample = if text.len() > 20_000 { &text[..end] } else { text };
    if crate::model::count_words(sample) < 20 {
        return None;
    }
    // Only the languages Tema can stem are candidates; among those a 20-word text is told
    // apart well even when whatlang would not call the guess "reliable" against all of its
    // 70 languages (Bokmål against Danish, say).
    let info = whatlang::Detector::with_allowlist(CANDIDATES.to_vec()).detect(sample)?;
    Some(match info.lang() {
        Lang::Eng => Language::English,
        Lang::Nob => Language::Norwegian,
        Lang::Dan => Language::Danish,
        Lang::Swe => Language::Swedish,
        Lang::Fin => Language::Finnish,
        Lang::Deu => Language::German,
        Lang::Nld => Language::Dutch,
        Lang::Fra => Language::French,
        Lang::Spa => Language::Spanish,
        Lang::Por => Language::Portuguese,
        Lang::Ita => Language::Italian,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_and_english_transcripts_are_told_apart() {
        let no = "Intervjuer: Hvordan gikk møtet med NAV? J4: Jeg følte meg sett for første gang på lenge. \
                  Hun snakket om arbeidsavklaringspenger og aktivitetsplikt, ord jeg ikke forstår, men hun \
                  forklarte det til slutt, og da ble det lettere å sove om natten.";
        let en = "Interviewer: How was the meeting? J1: Fine, I guess. They talked about me, not with me. \
                  My therapist was there, and the social worker, and Kari from the employment service, and \
                  nobody asked me what I wanted to do with my life.";
        assert_eq!(detect(no), Some(Language::Norwegian));
        assert_eq!(detect(en), Some(Language::English));
        assert_eq!(detect("J1: ok"), None, "too short to tell");
    }
}
