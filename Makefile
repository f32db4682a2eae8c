# Thin aliases for the README's two commands.
.PHONY: demo test setup
setup:
	bash scripts/setup.sh
demo:
	./scripts/demo
test:
	./scripts/test
