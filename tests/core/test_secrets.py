"""Secrets from the environment by a prefix: set and non-empty variables only, and only under that prefix."""

from rma.core.secrets import env_secret, env_secrets


def test_a_prefix_names_its_variables_and_empty_ones_do_not_count(monkeypatch):
    monkeypatch.setenv("RMA_TEST_ACME_PASSWORD", "p4ss")
    monkeypatch.setenv("RMA_TEST_ACME_CONTRACT_NUMBER", "811223")
    monkeypatch.setenv("RMA_TEST_ACME_EMPTY", "")
    monkeypatch.setenv("RMA_TEST_ACMEX_PASSWORD", "not-ours")

    assert env_secret(prefix="RMA_TEST_ACME", name="password") == "p4ss"
    assert env_secret(prefix="RMA_TEST_ACME", name="empty") is None
    assert env_secret(prefix="", name="password") is None
    assert env_secrets(prefix="RMA_TEST_ACME") == {"password": "p4ss", "contract_number": "811223"}
    assert env_secrets(prefix="") == {}
