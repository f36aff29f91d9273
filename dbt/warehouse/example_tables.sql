-- The shop's raw tables the example dbt project (dbt/shop) reads, with a few rows loaded just now.
-- Run it once against the warehouse database (psql -f); it replaces the raw schema.
drop schema if exists raw cascade;
create schema raw;

create table raw.customers (
    id integer primary key,
    name text not null,
    country text not null,
    _loaded_at timestamptz not null default now()
);

create table raw.orders (
    id integer not null,
    customer_id integer not null,
    status text not null,
    ordered_at timestamptz not null,
    _loaded_at timestamptz not null default now()
);

create table raw.payments (
    id integer primary key,
    order_id integer not null,
    method text not null,
    amount_cents integer not null,
    _loaded_at timestamptz not null default now()
);

insert into raw.customers (id, name, country) values
    (1, 'Ada', 'GB'), (2, 'Grace', 'US'), (3, 'Linus', 'FI'), (4, 'Margaret', 'US');

insert into raw.orders (id, customer_id, status, ordered_at) values
    (101, 1, 'completed', now() - interval '3 hours'),
    (102, 2, 'shipped', now() - interval '2 hours'),
    (103, 3, 'placed', now() - interval '1 hour'),
    (104, 1, 'returned', now() - interval '30 minutes'),
    (105, 4, 'completed', now() - interval '10 minutes');

insert into raw.payments (id, order_id, method, amount_cents) values
    (1001, 101, 'card', 4200),
    (1002, 102, 'bank_transfer', 1999),
    (1003, 103, 'card', 2500),
    (1005, 104, 'voucher', 500),
    (1004, 105, 'card', 12000);
