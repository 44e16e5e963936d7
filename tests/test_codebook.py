from sitreps.events.codebook import load_codebook


def test_taxonomy_is_acleds():
    codebook = load_codebook()
    assert codebook.event_types == [
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Protests",
        "Riots",
        "Strategic developments",
    ]
    assert len(codebook.sub_types) == 25
    assert codebook.sub_type("Air/drone strike").event_type == "Explosions/Remote violence"
    assert codebook.sub_type("Air/drone strike").plover == "ASSAULT"


def test_gate_and_triggers():
    codebook = load_codebook()
    assert not codebook.gate("The council approved the budget for the new school year.")
    sentence = "A suicide bomber blew himself up at a checkpoint."
    assert codebook.gate(sentence)
    best = max(codebook.triggers_in(sentence), key=lambda t: t.sub_type.priority)
    assert best.sub_type.name == "Suicide bomb"


def test_analyst_codebook_file(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "version: 1\nevent_types:\n  - name: Protests\n    sub_event_types:\n"
        "      - name: Peaceful protest\n        triggers: [vigil]\n",
        encoding="utf-8",
    )
    codebook = load_codebook(str(path))
    assert codebook.gate("Hundreds held a candlelit vigil.")
    assert not codebook.gate("Hundreds protested.")
