-- Who used which path, for a time range: every decision this service made, with what the API server then did.
--
--   path 'elevation'       allowed by an elevation: who approved it, under which ticket, what was done (response code)
--   path 'guardrail'       denied by an enforced guardrail
--   path 'baseline-rbac'   no opinion from us: the request fell through to baseline RBAC (apiserver_decision says
--                          whether RBAC allowed it)
--   path 'rbac-during-elevation'  the API server did not ask us (RBAC allowed it first) while the user held an
--                          elevation; known only from the audit sink (POST /audit)
--
-- audit_id is text: the request's Audit-ID as the API server logged it, which a client may set to any string.
--
-- audit_guardrails names the audit-mode guardrails a decision matched (privileged use to alert on, e.g. a legacy
-- admin group used without an elevation); null when none did.
--
-- One row per use: a decision the API server reused from its cache for several requests appears once per audit event;
-- a decision with no audit event (no audit sink, or the event not in yet) appears once, with a null response code.
--
--   psql "$DATABASE_URL" -v since='2026-11-27T00:00:00Z' -v until='2026-11-28T00:00:00Z' -f sql/queries/who-used-which-path.sql
SELECT path, time, user_name, verb, resource, namespace, name, non_resource_path, response_code, apiserver_decision,
       decision_id, audit_id, elevation_id, template, approvers, ticket, elevation_state, audit_guardrails
  FROM (
        SELECT CASE d.decision WHEN 'allow' THEN 'elevation' WHEN 'deny' THEN 'guardrail' ELSE 'baseline-rbac' END AS path,
               COALESCE(a.time, d.time) AS time,
               d.user_name,
               d.record -> 'request' ->> 'verb' AS verb,
               concat_ws('/', NULLIF(d.record -> 'request' ->> 'api_group', ''), d.record -> 'request' ->> 'resource',
                         NULLIF(d.record -> 'request' ->> 'subresource', '')) AS resource,
               NULLIF(d.record -> 'request' ->> 'namespace', '') AS namespace,
               NULLIF(d.record -> 'request' ->> 'name', '') AS name,
               d.record -> 'request' ->> 'path' AS non_resource_path,
               a.response_code,
               a.authorization_decision AS apiserver_decision,
               d.decision_id,
               a.audit_id,
               d.elevation_id,
               COALESCE(e.template, d.template) AS template,
               (SELECT string_agg(ap.approver, ', ' ORDER BY ap.approved_at)
                  FROM elevation_approvals ap
                 WHERE ap.elevation_id = d.elevation_id AND ap.round = 0) AS approvers,
               e.ticket,
               e.state AS elevation_state,
               CASE WHEN json_typeof(d.record -> 'audit_guardrails') = 'array' THEN
                   (SELECT string_agg(g, ', ') FROM json_array_elements_text(d.record -> 'audit_guardrails') AS g)
               END AS audit_guardrails
          FROM decisions d
          LEFT JOIN audit_events a ON a.decision_id = d.decision_id AND a.stage IN ('ResponseComplete', 'Panic')
          LEFT JOIN elevations e ON e.id = d.elevation_id
         WHERE d.time >= :'since'::timestamptz AND d.time < :'until'::timestamptz
        UNION ALL
        SELECT 'rbac-during-elevation',
               a.time,
               a.user_name,
               a.verb,
               concat_ws('/', NULLIF(a.api_group, ''), a.resource, NULLIF(a.subresource, '')),
               a.namespace,
               a.name,
               NULL,
               a.response_code,
               a.authorization_decision,
               NULL,
               a.audit_id,
               a.elevation_id,
               e.template,
               (SELECT string_agg(ap.approver, ', ' ORDER BY ap.approved_at)
                  FROM elevation_approvals ap
                 WHERE ap.elevation_id = a.elevation_id AND ap.round = 0),
               e.ticket,
               e.state,
               NULL
          FROM audit_events a
          LEFT JOIN elevations e ON e.id = a.elevation_id
         WHERE a.decision_id IS NULL AND a.stage IN ('ResponseComplete', 'Panic')
           AND a.time >= :'since'::timestamptz AND a.time < :'until'::timestamptz
       ) uses
 ORDER BY time, decision_id NULLS LAST, audit_id;
