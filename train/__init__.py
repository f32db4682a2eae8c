"""Fine-tuning planner, executor and replanner models on our SFT export, and serving them over an OpenAI API.

`plan-and-act train` reads one file of the data pipeline's SFT export (see `train.export` for the contract) and
fine-tunes a base model with TRL, LoRA by default; `plan-and-act serve-model` answers the agent's
requests with the result. Heavy imports (torch, transformers, trl, peft) stay inside the functions that need
them, so the CLI loads fast and says clearly when the `train` extra is missing.
"""
