-- Wrong second-factor codes given on a session that owes its second factor: the fifth ends it.
ALTER TABLE `sessions` ADD `second_factor_failures` integer DEFAULT 0 NOT NULL;
