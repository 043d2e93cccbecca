#!/usr/bin/env bash
# Smoke test: run the curl commands of the Acreto API v2 quick start, as the document writes them,
# against a running simulator (or any API endpoint), and check every answer with jq.
#
#   ENDPOINT=http://127.0.0.1:PORT/v2 USERNAME=someone@somedomain.com PASSWORD=... \
#       simulator/scripts/curl-quickstart.sh
#
# Optional: ECOSYSTEM_NAME (default "Documentation Ecosystem"), POLL_TIMEOUT (s, default 60),
# POLL_INTERVAL (s, default 1); CURL_CA_BUNDLE for an HTTPS endpoint with a private CA.
# It creates one Thing, "My first Thing", and commits, as the document does. Exit 0 when every step passed.
# The document's commands are kept verbatim, unquoted expansions included.
# shellcheck disable=SC2086
set -u -o pipefail

PROG=curl-quickstart
fail() { echo "$PROG: step $STEP failed: $*" >&2; exit 1; }

for tool in curl jq; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$PROG: '$tool' is required (Debian: apt-get install curl jq)" >&2; exit 2; }
done
for var in ENDPOINT USERNAME PASSWORD; do
    [ -n "${!var:-}" ] || { echo "$PROG: set $var (ENDPOINT is the base URL followed by /v2)" >&2; exit 2; }
done
ECOSYSTEM_NAME=${ECOSYSTEM_NAME:-Documentation Ecosystem}
POLL_TIMEOUT=${POLL_TIMEOUT:-60}
POLL_INTERVAL=${POLL_INTERVAL:-1}

# The document's commands carry no -s or -f. A private curlrc keeps the progress meter out of the
# output and makes an HTTP error fail the step, without changing the commands themselves.
CURL_HOME=$(mktemp -d)
export CURL_HOME
trap 'rm -rf "$CURL_HOME"' EXIT
printf -- '--silent\n--show-error\n--fail-with-body\n--max-time 30\n' > "$CURL_HOME/.curlrc"

STEP="1 (login)"
OUT=$(curl -X POST -H 'Content-type: application/json'  ${ENDPOINT}/auth/login -d "{\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\"}"  | jq .) \
    || fail "request failed: $OUT"
TOKEN=$(jq -er '.accessToken | strings | select(length > 0)' <<<"$OUT") || fail "no accessToken in: $OUT"
CUSTOMERUUID=$(jq -er '.customers[0].uuid' <<<"$OUT") || fail "no customers[0].uuid in: $OUT"
jq -e '.customers | all(has("name") and has("uuid"))' <<<"$OUT" >/dev/null || fail "customers lack name/uuid: $OUT"
echo "$PROG: step $STEP ok: token received, customer $CUSTOMERUUID"

STEP="2 (list ecosystems)"
OUT=$(curl -X GET -H 'Content-type: application/json' -H "Authorization: Bearer $TOKEN"  ${ENDPOINT}/customers/$CUSTOMERUUID/ecosystems|jq .) \
    || fail "request failed: $OUT"
ECO=$(jq -ec --arg n "$ECOSYSTEM_NAME" '.[] | select(.name == $n)' <<<"$OUT") || fail "no ecosystem named '$ECOSYSTEM_NAME' in: $OUT"
jq -e '(keys == ["created","name","nsps","owner","status","uuid"])
       and (.owner | keys == ["fullName","username","uuid"])
       and (.nsps | all(keys == ["name","status"]))
       and (.status | IN("ok","pending_changes"))' <<<"$ECO" >/dev/null || fail "unexpected ecosystem shape or status: $ECO"
ECOSYSTEMUUID=$(jq -er '.uuid' <<<"$ECO")
echo "$PROG: step $STEP ok: ecosystem $ECOSYSTEMUUID, status $(jq -r .status <<<"$ECO")"

STEP="3 (list profile groups)"
OUT=$(curl -X GET -H 'Content-type: application/json' -H "Authorization: Bearer $TOKEN"  ${ENDPOINT}/customers/$CUSTOMERUUID/ecosystems/$ECOSYSTEMUUID/groups|jq .) \
    || fail "request failed: $OUT"
jq -e 'length > 0 and all(keys == ["name","uuid"])' <<<"$OUT" >/dev/null || fail "no profile group in: $OUT"
GROUPUUID=$(jq -er '.[0].uuid' <<<"$OUT")
echo "$PROG: step $STEP ok: group $GROUPUUID ($(jq -r '.[0].name' <<<"$OUT"))"

STEP="4 (create a Thing)"
OUT=$(curl -X POST -H 'Content-type: application/json' -H "Authorization: Bearer $TOKEN" ${ENDPOINT}/customers/$CUSTOMERUUID/ecosystems/$ECOSYSTEMUUID/devices -d "{\"name\":\"My first Thing\", \"type\": \"device\",\"category\":\"IoT\",\"assetValue\":1, \"profileGroup\": \"$GROUPUUID\" }") \
    || fail "request failed: $OUT"
jq -e --arg g "$GROUPUUID" '. == {assetValue: 1, category: "IoT",
        expiry: {time: "0001-01-01T00:00:00.000Z", type: ""}, name: "My first Thing",
        profileGroup: $g, type: "device", uuid: .uuid} and (.uuid | test("^[0-9a-f-]{36}$"))' <<<"$OUT" >/dev/null \
    || fail "unexpected Thing: $OUT"
CREATED=$OUT
THINGUUID=$(jq -er '.uuid' <<<"$OUT")
echo "$PROG: step $STEP ok: Thing $THINGUUID"

STEP="5 (read the Thing)"
OUT=$(curl -X GET -H 'Content-type: application/json' -H "Authorization: Bearer $TOKEN"  ${ENDPOINT}/customers/$CUSTOMERUUID/ecosystems/$ECOSYSTEMUUID/devices/$THINGUUID) \
    || fail "request failed: $OUT"
jq -e --argjson created "$CREATED" '. == $created' <<<"$OUT" >/dev/null || fail "read $OUT, created $CREATED"
echo "$PROG: step $STEP ok: the Thing reads back as created"

STEP="6 (commit)"
OUT=$(curl -X POST -H 'Content-type: application/json' -H "Authorization: Bearer $TOKEN"  ${ENDPOINT}/customers/$CUSTOMERUUID/ecosystems/$ECOSYSTEMUUID/commits) \
    || fail "request failed: $OUT"
[ -z "$OUT" ] || fail "expected no response body, got: $OUT"
echo "$PROG: step $STEP ok: empty response"

STEP="7 (poll the ecosystem until ok)"
SEEN=""
DEADLINE=$((SECONDS + POLL_TIMEOUT))
while :; do
    OUT=$(curl -X GET -H 'Content-type: application/json' -H "Authorization: Bearer $TOKEN"  ${ENDPOINT}/customers/$CUSTOMERUUID/ecosystems/$ECOSYSTEMUUID) \
        || fail "request failed: $OUT"
    STATUS=$(jq -er '.status' <<<"$OUT") || fail "no status in: $OUT"
    jq -e --arg u "$ECOSYSTEMUUID" '.uuid == $u' <<<"$OUT" >/dev/null || fail "wrong ecosystem: $OUT"
    case " $SEEN " in *" $STATUS "*) ;; *) SEEN="${SEEN:+$SEEN }$STATUS" ;; esac
    case $STATUS in
        ok) break ;;
        commit_in_progress) ;;
        *) fail "status '$STATUS' after a commit (seen: $SEEN)" ;;
    esac
    [ "$SECONDS" -lt "$DEADLINE" ] || fail "still '$STATUS' after ${POLL_TIMEOUT}s"
    sleep "$POLL_INTERVAL"
done
echo "$PROG: step $STEP ok: statuses seen: $SEEN"
echo "$PROG: all 7 steps passed"
