"""The loop of 交办 and 督办: documents issued from 督办 to the counties, and the counties'
answers (签收, 整改回复, 延期申请) and the issuer's decisions, kept in the access store (never in
the published warehouse) and audited. Above security (it uses the access store, the roles and
the audit) and metrics (cases, trails and the official calendar); under pages.

- `schema`: the tables (wf_counters, wf_documents, wf_document_cases, wf_steps);
- `desk`: the acts — issue, sign, reply, ask_extension, decide — and the documents' files;
- `register`: the documents and where each case stands; the steps as a case's trail;
- `drafts`: to whom a document goes and what its attachment says of each case;
- `letters` and `letters_pdf`: one Letter, rendered as .docx (python-docx) and PDF (fpdf2);
- `attachments`: a reply's photos and PDF, told by their content; `downloads`: the files handed out;
- `files`: the documents' files, written once, 0600, read back only if their SHA-256 holds;
- `ladder_rules`, `ladder`, `ladder_desk`: the escalation rules as data, applied for a day (a
  proposal, or a document issued by the system), and the proposals confirmed or dismissed;
- `escalate_cli`: the body of `python -m etl escalate`; `webhook`: the group robot's messages.
"""
