# Abuse tests (tests/abuse): slowloris, slow POST, idle keep-alive connections, framing
# attacks, oversized requests, a flood of failed sign-ins, against the release binary.
#
#   make abuse        the issue's numbers (1,000 slowloris, 10,000 keep-alive; ~2 minutes)
#   make abuse-smoke  the short run (300 slowloris, 2,000 keep-alive); part of make test

.PHONY: abuse abuse-smoke
SMOKE += abuse-smoke

abuse: build/release/louyu
	tests/abuse/run --long

abuse-smoke: build/release/louyu
	tests/abuse/run
