//! Local language models: sentence splitting, sentence embeddings, and (built on them) the
//! analyses a CX owner reads. Everything runs on the CPU from a model folder on disk; no
//! code path here opens a network connection.
//!
//! One folder or file per concept: [`installed`] model folders and the model a project uses,
//! [`sentences`] (splitting), [`embed`] (the runtimes that turn text into vectors),
//! [`vectors`] (sentence vectors stored in the project), [`sentiment`], [`themes`],
//! [`suggest`] (code suggestions), [`phases`] (journey phase classification), and the
//! [`pipeline`] that runs them as one resumable job.

pub mod embed;
pub mod installed;
pub mod phases;
pub mod pipeline;
pub mod sentences;
pub mod sentiment;
pub mod suggest;
pub mod themes;
pub mod vectors;
