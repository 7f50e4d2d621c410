-- Generated from src/seniorcli/db/models.py by `python -m seniorcli.db.schema_pg`; do not edit;

CREATE TABLE audit (
	id SERIAL NOT NULL, 
	at VARCHAR COLLATE "C" NOT NULL, 
	os_user VARCHAR COLLATE "C" NOT NULL, 
	command VARCHAR COLLATE "C" NOT NULL, 
	rows_changed INTEGER NOT NULL, 
	employee_id VARCHAR COLLATE "C", 
	detail VARCHAR COLLATE "C", 
	PRIMARY KEY (id)
);

CREATE INDEX ix_audit_employee_id ON audit (employee_id) WHERE employee_id IS NOT NULL;

CREATE TABLE employee (
	employee_id VARCHAR COLLATE "C" NOT NULL, 
	name VARCHAR COLLATE "C" NOT NULL, 
	birth_date DATE NOT NULL, 
	department VARCHAR COLLATE "C", 
	manager_id VARCHAR COLLATE "C", 
	hire_date DATE, 
	leave_date DATE, 
	email VARCHAR COLLATE "C", 
	weekly_hours FLOAT, 
	updated_at VARCHAR COLLATE "C" NOT NULL, 
	last_import INTEGER, 
	left_by_import INTEGER, 
	back_by_import INTEGER, 
	PRIMARY KEY (employee_id)
);

CREATE INDEX ix_employee_left_by_import ON employee (left_by_import) WHERE left_by_import IS NOT NULL;

CREATE TABLE retracted_outcome (
	employee_id VARCHAR COLLATE "C" NOT NULL, 
	outcome VARCHAR COLLATE "C" NOT NULL, 
	date DATE NOT NULL, 
	at VARCHAR COLLATE "C" NOT NULL, 
	PRIMARY KEY (employee_id, outcome, date)
);

CREATE TABLE setting (
	key VARCHAR COLLATE "C" NOT NULL, 
	value VARCHAR COLLATE "C" NOT NULL, 
	PRIMARY KEY (key)
);

CREATE TABLE agreement (
	id SERIAL NOT NULL, 
	employee_id VARCHAR COLLATE "C" NOT NULL, 
	type VARCHAR COLLATE "C" NOT NULL, 
	start_date DATE NOT NULL, 
	end_date DATE, 
	open_ended BOOLEAN DEFAULT false NOT NULL, 
	ended_on DATE, 
	weekly_hours FLOAT, 
	amount FLOAT, 
	note VARCHAR COLLATE "C", 
	renews_id INTEGER, 
	rules VARCHAR COLLATE "C", 
	recorded_at VARCHAR COLLATE "C" NOT NULL, 
	withdrawn_at VARCHAR COLLATE "C", 
	PRIMARY KEY (id), 
	FOREIGN KEY(employee_id) REFERENCES employee (employee_id) ON DELETE CASCADE, 
	FOREIGN KEY(renews_id) REFERENCES agreement (id) ON DELETE SET NULL
);

CREATE INDEX ix_agreement_employee_id ON agreement (employee_id);

CREATE INDEX ix_agreement_end_date ON agreement (end_date);

CREATE INDEX ix_agreement_renews_id ON agreement (renews_id);

CREATE TABLE conversation (
	id SERIAL NOT NULL, 
	employee_id VARCHAR COLLATE "C" NOT NULL, 
	outcome VARCHAR COLLATE "C" NOT NULL, 
	date DATE NOT NULL, 
	note VARCHAR COLLATE "C", 
	with_mus BOOLEAN DEFAULT false NOT NULL, 
	union_rep BOOLEAN DEFAULT false NOT NULL, 
	recorded_at VARCHAR COLLATE "C" NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (employee_id, outcome, date), 
	CHECK (outcome IN ('invited', 'held', 'declined', 'postponed', 'requested')), 
	FOREIGN KEY(employee_id) REFERENCES employee (employee_id) ON DELETE CASCADE
);

CREATE INDEX ix_conversation_employee_id ON conversation (employee_id, date);

CREATE TABLE agreement_change (
	id SERIAL NOT NULL, 
	agreement_id INTEGER NOT NULL, 
	at VARCHAR COLLATE "C" NOT NULL, 
	fields VARCHAR COLLATE "C" NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(agreement_id) REFERENCES agreement (id) ON DELETE CASCADE
);

CREATE INDEX ix_agreement_change_agreement_id ON agreement_change (agreement_id);

CREATE INDEX ix_agreement_change_at ON agreement_change (at)
