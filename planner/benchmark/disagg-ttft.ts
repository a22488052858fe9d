/** What a disaggregated benchmark's TTFT means: one definition for the kernel's option, the CLI and docs/accuracy.md. */
export const DISAGG_TTFT_DEFINITION =
  'arrival → the first token at the client: prefill (queue and batched iterations on the prefiller) + the KV transfer (prompt + first token over the link) + the decoder taking the request into a batch at its next iteration boundary, where it streams the first token (SGLang\'s router and Dynamo\'s frontend stream from the decode worker) + the calibration\'s per-request overhead';
