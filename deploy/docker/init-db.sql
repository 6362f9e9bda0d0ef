-- One login role per service, each owning only its own schema (same layout as deploy/local/db-setup.mjs).
CREATE ROLE helpdesk_ingestion LOGIN PASSWORD 'ingestion-local-dev';
CREATE ROLE helpdesk_triage LOGIN PASSWORD 'triage-local-dev';
CREATE ROLE helpdesk_knowledge LOGIN PASSWORD 'knowledge-local-dev';
CREATE ROLE helpdesk_feedback LOGIN PASSWORD 'feedback-local-dev';
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA ingestion AUTHORIZATION helpdesk_ingestion;
CREATE SCHEMA triage AUTHORIZATION helpdesk_triage;
CREATE SCHEMA knowledge AUTHORIZATION helpdesk_knowledge;
CREATE SCHEMA feedback AUTHORIZATION helpdesk_feedback;
