"""The pipeline's stages, one module each; `synth.cli` maps `plan-and-act synth <stage>` onto them."""
