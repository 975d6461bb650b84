//! The semantic signal: questions and bank texts in one vector space, so that
//! a paraphrase with no word in common ("How soon is a leaver's account
//! disabled?" / "offboarding") still meets its entry.
//!
//! The encoder is all-MiniLM-L6-v2 (Apache-2.0, see `model/README.md`), built
//! into the binary and run with candle on the CPU: no download, nothing to
//! install. Texts are mean-pooled over their tokens and normalised, so that a
//! dot product is a cosine.

use super::cache::{Cache, Key};
use crate::bank::Bank;
use anyhow::{Context, Result, anyhow};
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use std::sync::OnceLock;
use tokenizers::{Tokenizer, TruncationParams};

/// Floats per vector.
pub const DIMS: usize = 384;
/// Names the model and how texts are prepared for it: part of every cache key,
/// so that vectors made another way are never mixed with these.
pub const MODEL_ID: &str = "all-MiniLM-L6-v2.f16.mean.q128.a128.prepare1";

const WEIGHTS: &[u8] = include_bytes!("../../model/minilm-l6-v2.f16.safetensors");
const TOKENIZER: &[u8] = include_bytes!("../../model/tokenizer.json");
const CONFIG: &str = include_str!("../../model/config.json");

/// Tokens a question is cut to: questions are far shorter.
pub const QUESTION_TOKENS: usize = 128;
/// Tokens an answer is cut to: its opening says what it answers.
pub const ANSWER_TOKENS: usize = 128;
/// Padded tokens per forward pass: texts of like length go together, so
/// little of each batch is padding, and a pass stays small in memory.
const BATCH_TOKENS: usize = 1024;

/// Unit vectors, `DIMS` floats each, one per text in the order given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vectors {
    data: Vec<f32>,
}

impl Vectors {
    /// From `DIMS`-float rows laid end to end; `None` if the length does not divide.
    pub fn from_flat(data: Vec<f32>) -> Option<Vectors> {
        data.len().is_multiple_of(DIMS).then_some(Vectors { data })
    }

    pub fn len(&self) -> usize {
        self.data.len() / DIMS
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * DIMS..(i + 1) * DIMS]
    }

    pub fn as_flat(&self) -> &[f32] {
        &self.data
    }

    pub fn push(&mut self, row: &[f32]) {
        debug_assert_eq!(row.len(), DIMS);
        self.data.extend_from_slice(row);
    }
}

/// The cosine of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The sentence encoder.
pub struct Encoder {
    model: BertModel,
    tokenizer: Tokenizer,
}

impl Encoder {
    /// The encoder built into the binary.
    pub fn builtin() -> Result<Encoder> {
        let config: Config =
            serde_json::from_str(CONFIG).context("the built-in model's configuration")?;
        let vb = VarBuilder::from_slice_safetensors(WEIGHTS, DType::F32, &Device::Cpu)
            .context("the built-in model's weights")?;
        let model = BertModel::load(vb, &config).context("the built-in model")?;
        let mut tokenizer = Tokenizer::from_bytes(TOKENIZER)
            .map_err(|e| anyhow!("the built-in model's tokenizer: {e}"))?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: QUESTION_TOKENS,
                ..Default::default()
            }))
            .map_err(|e| anyhow!("the built-in model's tokenizer: {e}"))?;
        Ok(Encoder { model, tokenizer })
    }

    /// Encodes texts cut to `max_tokens`, `progress` told how many are done.
    pub fn encode(
        &self,
        texts: &[&str],
        max_tokens: usize,
        progress: &dyn Fn(usize),
    ) -> Result<Vectors> {
        let tokenized = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| anyhow!("tokenizing: {e}"))?;
        let clipped: Vec<Vec<u32>> = tokenized
            .iter()
            .map(|e| clip(e.get_ids(), max_tokens))
            .collect();
        let ids: Vec<&[u32]> = clipped.iter().map(Vec::as_slice).collect();
        // Shortest first, so each batch pads little; results go back in order.
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| (ids[i].len(), i));
        let mut out = vec![0f32; texts.len() * DIMS];
        let mut done = 0;
        for batch in batches(&order, |i| ids[i].len()) {
            let pooled = self.forward(&batch.iter().map(|&i| ids[i]).collect::<Vec<_>>())?;
            for (row, &i) in batch.iter().enumerate() {
                out[i * DIMS..(i + 1) * DIMS]
                    .copy_from_slice(&pooled[row * DIMS..(row + 1) * DIMS]);
            }
            done += batch.len();
            progress(done);
        }
        Ok(Vectors { data: out })
    }

    /// One padded batch through the model: mean-pooled, normalised rows.
    fn forward(&self, ids: &[&[u32]]) -> Result<Vec<f32>> {
        let width = ids.iter().map(|t| t.len()).max().unwrap_or(0).max(1);
        let mut flat_ids = Vec::with_capacity(ids.len() * width);
        let mut flat_mask = Vec::with_capacity(ids.len() * width);
        for t in ids {
            flat_ids.extend_from_slice(t);
            flat_ids.resize(flat_ids.len() + width - t.len(), 0);
            flat_mask.extend(std::iter::repeat_n(1u32, t.len()));
            flat_mask.resize(flat_mask.len() + width - t.len(), 0);
        }
        let shape = (ids.len(), width);
        let input = Tensor::from_vec(flat_ids, shape, &Device::Cpu)?;
        let mask = Tensor::from_vec(flat_mask, shape, &Device::Cpu)?;
        let types = input.zeros_like()?;
        let hidden = self.model.forward(&input, &types, Some(&mask))?;
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let mean = summed.broadcast_div(&mask.sum(1)?)?;
        let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f32::MAX)?;
        Ok(mean.broadcast_div(&norm)?.flatten_all()?.to_vec1::<f32>()?)
    }
}

/// The encoder, loaded the first time a text needs it: a run whose bank
/// vectors come from the cache and whose questions all match a variant word
/// for word never loads it.
#[derive(Default)]
pub struct LazyEncoder(OnceLock<Result<Encoder, String>>);

impl LazyEncoder {
    pub fn get(&self) -> Result<&Encoder> {
        self.0
            .get_or_init(|| Encoder::builtin().map_err(|e| format!("{e:#}")))
            .as_ref()
            .map_err(|e| anyhow!("{e}"))
    }
}

/// The bank in vector space: every question variant and every answer.
#[derive(Debug, Clone, Default)]
pub struct BankVectors {
    variants: Vectors,
    /// The entry of each variant row.
    owners: Vec<u32>,
    /// One row per entry.
    answers: Vectors,
}

/// How close an entry is to a question, in meaning.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Closeness {
    /// The best cosine over the entry's question variants.
    pub variant: f32,
    /// The cosine with the entry's answer.
    pub answer: f32,
}

impl BankVectors {
    /// The bank's vectors from the cache, or encoded (and then cached);
    /// `progress` is told (done, total) while encoding.
    pub fn build(
        bank: &Bank,
        cache: &Cache,
        encoder: &LazyEncoder,
        progress: &dyn Fn(usize, usize),
    ) -> Result<BankVectors> {
        // Rows: every entry's variants, then every entry's answer. The key is
        // made from the texts as written (`MODEL_ID` names how they are
        // prepared), so a cached bank is never prepared again.
        let variants: Vec<&str> = bank
            .entries
            .iter()
            .flat_map(|e| e.questions.iter().map(String::as_str))
            .collect();
        let owners: Vec<u32> = (0..bank.entries.len() as u32)
            .flat_map(|i| std::iter::repeat_n(i, bank.entries[i as usize].questions.len()))
            .collect();
        let answers: Vec<&str> = bank.entries.iter().map(|e| e.answer.as_str()).collect();
        let rows = variants.len() + answers.len();
        let key = Key::of(variants.iter().chain(&answers).copied());
        let vectors = match cache.load(&key, rows) {
            Some(v) => v,
            None => {
                let encoder = encoder.get()?;
                let prepared: Vec<String> = variants.iter().map(|q| prepare(q)).collect();
                let prepared: Vec<&str> = prepared.iter().map(String::as_str).collect();
                let mut v =
                    encoder.encode(&prepared, QUESTION_TOKENS, &|done| progress(done, rows))?;
                let a = encoder.encode(&answers, ANSWER_TOKENS, &|done| {
                    progress(variants.len() + done, rows)
                })?;
                v.data.extend_from_slice(&a.data);
                cache.store(&key, &v);
                v
            }
        };
        let split = variants.len() * DIMS;
        let flat = vectors.as_flat();
        Ok(BankVectors {
            variants: Vectors::from_flat(flat[..split].to_vec()).unwrap_or_default(),
            owners,
            answers: Vectors::from_flat(flat[split..].to_vec()).unwrap_or_default(),
        })
    }

    /// How close every entry is to a question vector, by entry.
    pub fn closeness(&self, question: &[f32]) -> Vec<Closeness> {
        let mut out: Vec<Closeness> = (0..self.answers.len())
            .map(|i| Closeness {
                variant: f32::MIN,
                answer: cosine(question, self.answers.row(i)),
            })
            .collect();
        for (row, &entry) in self.owners.iter().enumerate() {
            let c = cosine(question, self.variants.row(row));
            let slot = &mut out[entry as usize].variant;
            *slot = slot.max(c);
        }
        out
    }
}

/// A question as the encoder reads it: numbering and boilerplate off, the
/// main ask only ("If yes, …" clauses add nothing to what is asked about).
pub fn prepare(question: &str) -> String {
    super::normalise(&super::main_ask(question).0)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Token ids cut to `max` (at least 2), keeping the closing separator.
fn clip(ids: &[u32], max: usize) -> Vec<u32> {
    let max = max.max(2);
    match ids.split_last() {
        Some((last, body)) if ids.len() > max => {
            let mut out = body[..max - 1].to_vec();
            out.push(*last);
            out
        }
        _ => ids.to_vec(),
    }
}

/// Splits texts (already sorted by length) into batches of at most
/// `BATCH_TOKENS` padded tokens.
fn batches(order: &[usize], len: impl Fn(usize) -> usize) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for &i in order {
        // Sorted ascending: the newest text is the widest of its batch.
        let width = len(i).max(1);
        if !current.is_empty() && (current.len() + 1) * width > BATCH_TOKENS {
            out.push(std::mem::take(&mut current));
        }
        current.push(i);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_keeps_the_closing_separator() {
        assert_eq!(clip(&[101, 1, 2, 3, 102], 3), vec![101, 1, 102]);
        assert_eq!(clip(&[101, 1, 102], 8), vec![101, 1, 102]);
        assert_eq!(clip(&[], 8), Vec::<u32>::new());
    }

    #[test]
    fn batches_keep_every_text_once_and_stay_under_the_token_budget() {
        let lens = [3usize, 200, 7, 7, 40, 1, 128, 90];
        let mut order: Vec<usize> = (0..lens.len()).collect();
        order.sort_by_key(|&i| lens[i]);
        let b = batches(&order, |i| lens[i]);
        let mut seen: Vec<usize> = b.iter().flatten().copied().collect();
        seen.sort();
        assert_eq!(seen, (0..lens.len()).collect::<Vec<_>>());
        for batch in &b {
            let width = batch.iter().map(|&i| lens[i]).max().unwrap();
            assert!(batch.len() == 1 || batch.len() * width <= BATCH_TOKENS);
        }
    }

    #[test]
    fn paraphrases_are_closer_than_unrelated_questions() {
        let e = Encoder::builtin().unwrap();
        let v = e
            .encode(
                &[
                    "How soon after an involuntary termination is the person's account disabled?",
                    "How is access removed when an employee leaves?",
                    "Do you carry cyber liability insurance?",
                ],
                QUESTION_TOKENS,
                &|_| {},
            )
            .unwrap();
        assert_eq!(v.len(), 3);
        let norm = cosine(v.row(0), v.row(0));
        assert!((norm - 1.0).abs() < 1e-4, "{norm}");
        let near = cosine(v.row(0), v.row(1));
        let far = cosine(v.row(0), v.row(2));
        assert!(near > far + 0.2, "near {near}, far {far}");
    }

    #[test]
    fn a_text_encodes_the_same_alone_and_in_a_batch() {
        let e = Encoder::builtin().unwrap();
        let texts = [
            "Do you encrypt data at rest?",
            "Is MFA enforced for administrators of the production environment?",
        ];
        let both = e.encode(&texts, QUESTION_TOKENS, &|_| {}).unwrap();
        let alone = e.encode(&texts[1..], QUESTION_TOKENS, &|_| {}).unwrap();
        let c = cosine(both.row(1), alone.row(0));
        assert!(c > 0.9999, "{c}");
    }
}
