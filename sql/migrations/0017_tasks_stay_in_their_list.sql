-- A task's parent and section belong to the task's own list. The foreign keys said only
-- "same tenant", so a task could hang under a task of another list (and vanish with that
-- list) or be its own parent (and vanish from the markdown export). Now the keys include
-- the list, a task is never its own parent, and the application refuses deeper cycles
-- and trees deeper than 16 levels (functions/projects/src/tasks/tree.ts).

-- Existing rows that break the rule lose the broken link (they become top-level tasks,
-- or tasks outside any section), rather than the migration failing. The owner reads every
-- tenant's tasks for this once: FORCE is lifted inside this transaction only.
alter table tasks no force row level security;
alter table task_sections no force row level security;

update tasks t
   set parent_task_id = null
 where t.parent_task_id = t.id
    or not exists (select from tasks p
                    where p.tenant_id = t.tenant_id and p.id = t.parent_task_id
                      and p.task_list_id = t.task_list_id);

-- Parent cycles (a -> b -> a): every task on one becomes top-level.
with recursive up (tenant_id, start, current, depth) as (
  select tenant_id, id, parent_task_id, 1 from tasks where parent_task_id is not null
  union all
  select u.tenant_id, u.start, t.parent_task_id, u.depth + 1
    from up u join tasks t on t.tenant_id = u.tenant_id and t.id = u.current
   where t.parent_task_id is not null and u.current <> u.start and u.depth < 10000
)
update tasks t set parent_task_id = null
  from up u
 where u.current = u.start and t.tenant_id = u.tenant_id and t.id = u.start;

update tasks t
   set section_id = null
 where t.section_id is not null
   and not exists (select from task_sections s
                    where s.tenant_id = t.tenant_id and s.id = t.section_id
                      and s.task_list_id = t.task_list_id);

alter table tasks force row level security;
alter table task_sections force row level security;

alter table tasks add constraint tasks_list_key unique (tenant_id, task_list_id, id);
alter table task_sections add constraint task_sections_list_key unique (tenant_id, task_list_id, id);

alter table tasks drop constraint tasks_tenant_id_parent_task_id_fkey;
alter table tasks add constraint tasks_parent_in_list
  foreign key (tenant_id, task_list_id, parent_task_id)
  references tasks (tenant_id, task_list_id, id) on delete cascade;
alter table tasks add constraint tasks_not_own_parent check (parent_task_id <> id);

alter table tasks drop constraint tasks_tenant_id_section_id_fkey;
alter table tasks add constraint tasks_section_in_list
  foreign key (tenant_id, task_list_id, section_id)
  references task_sections (tenant_id, task_list_id, id) on delete set null (section_id);

-- Walking a task's children (its subtree's height, a cascade) by index.
create index tasks_by_parent on tasks (tenant_id, parent_task_id) where parent_task_id is not null;
