"""Word lists the rules use: technology/vendor names and the verbs of design talk.

Kept as data so they can grow without touching the rules. Everything is lower case unless
said otherwise; multi-word entries are matched as token sequences.
"""

from __future__ import annotations


def words(block: str) -> list[str]:
    """The whitespace-separated words of a block of text (word lists are kept as prose)."""
    return block.split()


# -- technologies, products and vendors --------------------------------------------------------
# Matched case-insensitively. Names that are also ordinary English words ("go", "rust", "spark",
# "rest", "express") are in CASE_SENSITIVE_TECH instead, so "go ahead" never becomes Go.
_TECH_WORDS = """
kafka rabbitmq activemq zeromq nats pulsar kinesis sqs sns celery sidekiq
postgres postgresql mysql mariadb sqlite mongodb mongo cassandra dynamodb redis memcached
elasticsearch opensearch solr clickhouse snowflake bigquery redshift databricks neo4j kuzu
couchdb couchbase cockroachdb timescaledb influxdb prometheus grafana datadog splunk sentry
pagerduty opsgenie kibana logstash fluentd jaeger opentelemetry zipkin
kubernetes k8s docker podman terraform pulumi ansible vagrant istio envoy nginx haproxy
traefik caddy cloudflare akamai fastly jenkins circleci teamcity argocd spinnaker
python java javascript typescript kotlin scala golang php perl elixir erlang haskell c++ c#
.net dotnet node.js nodejs deno vue vue.js angular angularjs svelte next.js nextjs nuxt
jquery backbone bootstrap tailwind webpack vite babel eslint prettier fastapi laravel
express.js nestjs graphql grpc openapi swagger protobuf avro thrift hadoop hdfs hive trino
airflow dagster prefect dbt flink tensorflow pytorch scikit-learn spacy pandas numpy jupyter
s3 ec2 ecs eks fargate cloudfront rds aurora iam cloudwatch gcs gke firestore firebase spanner
aks oauth oauth2 saml ldap okta auth0 keycloak jwt websocket websockets webhooks
ubuntu debian centos rhel macos svn mercurial bitbucket trello asana twilio sendgrid
mailchimp mixpanel amplitude tableau metabase superset storybook cypress selenium
playwright jest mocha pytest junit qunit jasmine maven gradle npm yarn pnpm pip poetry conda
bazel cmake treant.js vis.js d3 d3.js jstree react
"""
_PRODUCT_WORDS = """
jira confluence slack salesforce hubspot zendesk intercom notion figma braintree paypal
"""
_ORG_WORDS = """
google microsoft azure gcp atlassian github gitlab heroku vercel netlify digitalocean linode
hetzner vmware confluent hashicorp openai anthropic nvidia cisco
"""
_MULTI = {
    "new relic": "TECH",
    "github actions": "TECH",
    "gitlab ci": "TECH",
    "travis ci": "TECH",
    "argo cd": "TECH",
    "react native": "TECH",
    "ruby on rails": "TECH",
    "spring boot": "TECH",
    "route 53": "TECH",
    "cloud run": "TECH",
    "cloud functions": "TECH",
    "app engine": "TECH",
    "cosmos db": "TECH",
    "azure functions": "TECH",
    "active directory": "TECH",
    "power bi": "PRODUCT",
    "google sheets": "PRODUCT",
    "microsoft teams": "PRODUCT",
    "google cloud": "ORG",
    "red hat": "ORG",
    "amazon web services": "ORG",
}

#: lower-cased name -> label, matched case-insensitively.
TECH_LEXICON: dict[str, str] = {
    **{w: "TECH" for w in _TECH_WORDS.split()},
    **{w: "PRODUCT" for w in _PRODUCT_WORDS.split()},
    **{w: "ORG" for w in _ORG_WORDS.split()},
    **_MULTI,
}

#: exact spelling -> label, matched case-sensitively (the name is also an ordinary word).
CASE_SENSITIVE_TECH: dict[str, str] = {
    **{
        w: "TECH"
        for w in words(
            "Go Rust Swift Spark Chef R Rest REST API JSON YAML XML HTTP Express Spring Storm "
            "Beam Flux Vault Helm Puppet Consul Nomad Lambda Bun Presto Ember Apache Linux "
            "Windows iOS Android Git Ruby Rails Django Flask AWS"
        )
    },
    **{
        w: "PRODUCT"
        for w in words("Excel Word Outlook Gmail Sheets Teams Zoom Looker Stripe Segment Sketch")
    },
    **{w: "ORG" for w in words("Amazon Oracle Meta Apple IBM AMD Intel Elastic")},
}

# -- verbs of design talk ------------------------------------------------------------------------
#: Base forms that start an imperative design statement ("Use the AUI dropdown!", "Add X").
IMPERATIVE_VERBS = frozenset(
    words("""
    use add remove implement create write move switch replace keep prevent avoid change rename
    refactor store show display make provide enable disable introduce extend integrate link
    delete drop put set split merge migrate adopt apply build call define document export import
    filter hide include install load offer pass read release restrict return save send separate
    support test update upgrade validate wrap deprecate retire sunset stop start standardize
    consolidate limit cap require allow block ban enforce encrypt cache host deploy run ship
    outsource buy rent hire pick choose select go stick postpone defer delay freeze cancel revert
    roll extract convert generate handle ignore mark treat compute represent visualize
    inject let reuse remove restructure redesign rewrite reduce increase decrease
    """)
)

#: Verb lemmas that relate two named things (subject-verb-object), with inflected forms.
RELATION_VERBS = frozenset(
    words("""
    use replace integrate depend call store send read write support run host deploy migrate
    connect consume produce publish subscribe query index cache sync wrap extend embed import
    export feed power back monitor authenticate own build serve proxy route stream load
    """)
)


def verb_lemma(word: str) -> str | None:
    """The base form of an inflected verb from RELATION_VERBS/IMPERATIVE_VERBS, else None.

    Rule-based (-s, -es, -ed, -ing, doubled consonants) because a blank pipeline has no
    lemmatizer; only verbs in our lists are recognised, so the rules cannot run wild.
    """
    w = word.lower()
    known = RELATION_VERBS | IMPERATIVE_VERBS
    if w in known:
        return w
    irregular = {
        "ran": "run",
        "wrote": "write",
        "written": "write",
        "built": "build",
        "fed": "feed",
        "chose": "choose",
        "chosen": "choose",
        "went": "go",
        "gone": "go",
        "kept": "keep",
        "made": "make",
        "sent": "send",
        "read": "read",
        "split": "split",
        "set": "set",
        "put": "put",
    }
    if w in irregular:
        return irregular[w]
    for suffix, repl in (
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("ied", "y"),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
    ):
        if w.endswith(suffix) and len(w) > len(suffix) + 1:
            stem = w[: -len(suffix)] + repl
            if stem in known:
                return stem
            # doubled final consonant: "dropped" -> "drop", "shipping" -> "ship"
            if (
                suffix in ("ed", "ing")
                and not repl
                and len(stem) > 2
                and stem[-1] == stem[-2]
                and stem[:-1] in known
            ):
                return stem[:-1]
    return None


#: Function words that never start or end a noun phrase in the token-window rules.
FUNCTION_WORDS = frozenset(
    words("""
    a an the this that these those it its they them their we our us you your i me my he she his
    her him and or but nor so yet for of to in on at by with from as into onto over under about
    is are was were be been being am do does did have has had will would shall should can could
    may might must not no n't 's 're 've 'll 'd if then than when while because since although
    though which who whom whose what where why how also just very really too only even still
    all any some each every other such both either neither more most less least many much few
    several various multiple numerous different certain popular common typical usual
    there here up down out off again further once
    """)
)
