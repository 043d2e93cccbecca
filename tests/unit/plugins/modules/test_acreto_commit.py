# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.acreto.platform.plugins.modules import acreto_commit
from ansible_collections.acreto.platform.tests.unit.plugins.modules.fake_acreto import ECO_PATH, ecosystem, warnings

ECO = "Documentation Ecosystem"
COMMITS = ECO_PATH + "/commits"
FOREIGN_MSG = ("Ecosystem 'Documentation Ecosystem' already had pending changes before this play wrote to it "
               "(ecosystem_status_before 'pending_changes'); a commit applies those changes too.")


@pytest.fixture
def commit(api, run, clock, monkeypatch):
    """commit(status at start, *statuses of later reads, **args) -> result."""
    monkeypatch.setattr(acreto_commit, "time", clock)

    def _commit(status, *reads, **args):
        api.login()
        api.ecosystems(ecosystem(status=status))
        api.ecosystem_reads(*reads)
        return run(acreto_commit.main, ecosystem=ECO, **args)

    return _commit


def posts(api):
    return [w for w in api.writes() if w[:2] == ("POST", COMMITS)]


def test_nothing_pending_means_no_post(api, commit):
    result = commit("ok")

    assert result["changed"] is False
    assert (result["status_before"], result["status"], result["polls"], result["timed_out"]) == ("ok", "ok", 0, False)
    assert api.writes() == []


def test_pending_changes_are_committed_and_waited_for(api, commit, clock):
    api.add("POST", COMMITS, status=204)

    result = commit("pending_changes", "commit_in_progress", "commit_in_progress", "commit_in_progress", "ok")

    assert result["changed"] is True
    assert result["status_before"] == "pending_changes"
    assert result["status"] == "ok"
    assert result["ecosystem"]["status"] == "ok"
    assert result["polls"] == 4
    assert result["elapsed"] == 7.5
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0]
    assert posts(api) == [("POST", COMMITS, None)]


def test_polls_back_off_up_to_poll_interval(api, commit, clock):
    api.add("POST", COMMITS, status=204)

    commit("pending_changes", *(["commit_in_progress"] * 6 + ["ok"]), poll_interval=3)

    assert clock.sleeps == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0, 3.0]


@pytest.mark.parametrize("status, changed", [("pending_changes", True), ("ok", False), ("commit_in_progress", False)])
def test_check_mode_never_posts_and_reports_pending_changes(api, commit, clock, status, changed):
    result = commit(status, _ansible_check_mode=True)

    assert result["changed"] is changed
    assert result["status"] == status
    assert api.writes() == []
    assert clock.sleeps == []


def test_a_running_commit_is_waited_for_without_a_second_post(api, commit):
    result = commit("commit_in_progress", "commit_in_progress", "ok")

    assert result["changed"] is False
    assert result["status"] == "ok"
    assert result["polls"] == 2
    assert api.writes() == []


def test_commit_false_only_waits(api, commit):
    result = commit("commit_in_progress", "ok", commit=False)

    assert result["status"] == "ok"
    assert api.writes() == []


def test_commit_false_leaves_pending_changes_alone(api, commit):
    result = commit("pending_changes", commit=False)

    assert result["changed"] is False
    assert result["status"] == "pending_changes"
    assert api.writes() == []


def test_wait_false_returns_after_the_post(api, commit, clock):
    api.add("POST", COMMITS, status=204)

    result = commit("pending_changes", wait=False)

    assert result["changed"] is True
    assert result["polls"] == 0
    assert clock.sleeps == []
    assert len(posts(api)) == 1


def test_timeout_fails_saying_the_commit_may_still_finish(api, commit, clock):
    api.add("POST", COMMITS, status=204)

    result = commit("pending_changes", "commit_in_progress", wait_timeout=20)

    assert result["failed"] is True
    assert result["timed_out"] is True
    assert result["status"] == "commit_in_progress"
    assert result["msg"] == ("Commit on ecosystem 'Documentation Ecosystem' did not finish within 20 s; last status "
                             "'commit_in_progress'. It may still finish: run acreto_commit with commit=false to wait for it.")
    assert sum(clock.sleeps) == 20


def test_ecosystem_error_at_the_start(api, commit):
    result = commit("ecosystem_error")

    assert result["msg"] == "Ecosystem 'Documentation Ecosystem' is in status 'ecosystem_error'; contact Acreto support."
    assert result["status"] == "ecosystem_error"
    assert api.writes() == []


def test_unknown_status_at_the_start(api, commit):
    result = commit("maintenance")

    assert result["msg"] == ("Ecosystem 'Documentation Ecosystem' has status 'maintenance', which is not one of ok, "
                             "pending_changes, commit_in_progress, ecosystem_error.")


def test_commit_ending_in_ecosystem_error(api, commit):
    api.add("POST", COMMITS, status=204)

    result = commit("pending_changes", "commit_in_progress", "ecosystem_error")

    assert result["msg"] == ("Commit on ecosystem 'Documentation Ecosystem' ended in status 'ecosystem_error'; "
                             "contact Acreto support.")
    assert result["changed"] is True


def test_409_because_another_commit_started_means_waiting_for_it(api, commit):
    api.add("POST", COMMITS, {"code": 409, "message": "commit in progress"}, status=409)

    result = commit("pending_changes", "commit_in_progress", "ok")

    assert result.get("failed") is not True
    assert result["changed"] is True
    assert result["status"] == "ok"
    assert len(posts(api)) == 1


def test_uncertain_post_rereads_the_status_before_posting_again(api, commit):
    api.add("POST", COMMITS, {"code": 502, "message": "bad gateway"}, status=500)

    result = commit("pending_changes", "commit_in_progress", "ok")

    assert result["status"] == "ok"
    assert len(posts(api)) == 1


def test_uncertain_post_that_did_not_start_a_commit_is_posted_once_more(api, commit):
    api.add("POST", COMMITS, {"code": 502, "message": "bad gateway"}, status=500)
    api.add("POST", COMMITS, status=204)

    result = commit("pending_changes", "pending_changes", "commit_in_progress", "ok")

    assert result["status"] == "ok"
    assert len(posts(api)) == 2


def test_uncertain_posts_are_sent_again_after_a_pause_while_nothing_started(api, commit, clock):
    for dummy in range(3):
        api.add("POST", COMMITS, {"code": 504, "message": "gateway timeout"}, status=504)
    api.add("POST", COMMITS, status=204)

    result = commit("pending_changes", "pending_changes", "pending_changes", "pending_changes", "commit_in_progress", "ok")

    assert result["status"] == "ok"
    assert len(posts(api)) == 4
    assert len([s for s in clock.sleeps if s >= 0.5]) >= 3


def test_a_commit_that_cannot_be_started_gives_up_after_the_client_retries(api, commit):
    api.add("POST", COMMITS, {"code": 503, "message": "busy"}, status=503)

    result = commit("pending_changes", "pending_changes")

    assert result["msg"] == ("Committing ecosystem 'Documentation Ecosystem' failed: POST %s returned 503: busy" % COMMITS)
    assert result["status"] == 503
    assert len(posts(api)) == 6


def test_a_refused_post_is_reported(api, commit):
    api.add("POST", COMMITS, {"code": 403, "message": "read-only user"}, status=403)

    result = commit("pending_changes")

    assert result["msg"] == ("Committing ecosystem 'Documentation Ecosystem' failed: POST %s returned 403: read-only user"
                             % COMMITS)
    assert result["status"] == 403
    assert result["api_error"] == {"code": 403, "message": "read-only user"}


def test_foreign_pending_changes_warn_by_default(api, commit):
    api.add("POST", COMMITS, status=204)

    result = commit("pending_changes", "ok", ecosystem_status_before="pending_changes")

    assert warnings(result) == [FOREIGN_MSG]
    assert len(posts(api)) == 1


def test_foreign_pending_changes_fail_when_asked_without_a_post(api, commit):
    result = commit("pending_changes", ecosystem_status_before="pending_changes", foreign_pending="fail")

    assert result["msg"] == FOREIGN_MSG + " Set foreign_pending=ignore to commit them anyway."
    assert api.writes() == []


@pytest.mark.parametrize("args", [
    dict(ecosystem_status_before="pending_changes", foreign_pending="ignore"),
    dict(ecosystem_status_before="ok", foreign_pending="fail"),
])
def test_own_or_ignored_pending_changes_are_committed_quietly(api, commit, args):
    api.add("POST", COMMITS, status=204)

    result = commit("pending_changes", "ok", **args)

    assert warnings(result) == []
    assert len(posts(api)) == 1


@pytest.mark.parametrize("option", ["wait_timeout", "poll_interval"])
def test_timings_must_be_positive(api, run, option):
    result = run(acreto_commit.main, ecosystem=ECO, **{option: 0})

    assert result["msg"] == "%s must be greater than 0, got 0." % option
    assert api.sent() == []


# --- staged_by: what the write tasks of the play handed over ----------------------------


def staged(changed=True, status="ok"):
    return {"changed": changed, "ecosystem_status_before": status, "thing": {"name": "cam-01"}}


def test_check_mode_reports_the_commit_that_a_predicted_write_needs(api, commit):
    result = commit("ok", _ansible_check_mode=True, staged_by=[staged(False), staged(True)])

    assert result["changed"] is True
    assert result["ecosystem_status_before"] == result["status_before"] == "ok"
    assert api.writes() == []


def test_check_mode_without_a_predicted_write_reports_no_commit(api, commit):
    result = commit("ok", _ansible_check_mode=True, staged_by=[staged(False), {"skipped": True, "changed": False}])

    assert result["changed"] is False
    assert api.writes() == []


def test_a_predicted_write_is_not_committed_when_commit_is_false(api, commit):
    result = commit("ok", _ansible_check_mode=True, commit=False, staged_by=[staged(True)])

    assert result["changed"] is False


def test_staged_by_with_changes_that_were_already_pending_warns(api, commit):
    api.add("POST", COMMITS, status=204)

    result = commit("pending_changes", "ok", staged_by=[staged(False, "ok"), staged(True, "pending_changes"), staged(True)])

    assert warnings(result) == ["Ecosystem 'Documentation Ecosystem' already had pending changes before the tasks of "
                                "staged_by wrote to it (their ecosystem_status_before 'pending_changes'); a commit "
                                "applies those changes too."]
    assert len(posts(api)) == 1


def test_staged_by_of_our_own_changes_commits_quietly(api, commit):
    api.add("POST", COMMITS, status=204)

    result = commit("pending_changes", "ok", staged_by=[staged(True, "ok"), staged(True, "pending_changes")],
                    foreign_pending="fail")

    assert warnings(result) == []
    assert result["changed"] is True
    assert len(posts(api)) == 1


def test_pending_changes_that_no_staged_task_made_fail_when_asked(api, commit):
    result = commit("pending_changes", staged_by=[staged(False)], foreign_pending="fail")

    assert result["failed"] is True
    assert result["msg"] == ("Ecosystem 'Documentation Ecosystem' already had pending changes that were staged before this "
                             "run, by someone else or by a run that stopped before its commit (no task of staged_by changed "
                             "anything); a commit applies those changes too. Set foreign_pending=ignore to commit them anyway.")
    assert api.writes() == []


def test_staged_by_must_hold_registered_results(api, run):
    result = run(acreto_commit.main, ecosystem=ECO, staged_by=[staged(True), {"ecosystem_status_before": "ok"}])

    assert result["msg"] == ("staged_by[1] is not a registered task result (it has no 'changed'); pass the variables "
                             "that the write tasks registered, for example [camera, printer].")
    assert api.sent() == []


def test_the_deprecated_option_still_works_and_says_it_is_deprecated(api, commit):
    api.add("POST", COMMITS, status=204)

    result = commit("pending_changes", "ok", ecosystem_status_before="pending_changes")

    assert warnings(result) == [FOREIGN_MSG]
    deprecations = [d if isinstance(d, str) else d.get("msg") or d["event"]["msg"] for d in result.get("deprecations", [])]
    assert any("ecosystem_status_before" in str(d) for d in deprecations), result.get("deprecations")
