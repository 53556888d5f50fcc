import React, { useEffect, useRef, useState } from "react";
import FullCalendar from "@fullcalendar/react";
import dayGridPlugin from "@fullcalendar/daygrid";
import timeGridPlugin from "@fullcalendar/timegrid";
import listPlugin from "@fullcalendar/list";
import interactionPlugin from "@fullcalendar/interaction";
import luxonPlugin from "@fullcalendar/luxon3";
import itLocale from "@fullcalendar/core/locales/it";
import enGbLocale from "@fullcalendar/core/locales/en-gb";
import { useMergedRef } from "./merged_ref.js";
import "./planning_calendar.css";

// English for an Italian company: weeks start on Monday and hours run to 24, as in the Italian view.
const LOCALES = { it: "it", en: "en-gb" };
const COMPACT_WIDTH = 640;
const SLOT_MINUTES = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export function PlanningCalendar({
  events = [],
  locale = "it",
  timeZone = "Europe/Rome",
  initialView = "dayGridMonth",
  phoneView,
  initialDate,
  views = ["dayGridMonth", "timeGridWeek", "timeGridDay", "listWeek"],
  selectable = true,
  allDaySlot = false,
  slotMinTime = "06:00:00",
  slotMaxTime = "21:00:00",
  noEventsText,
  onPlan,
  onOpen,
  onRangeChange,
  className,
  ref,
  ...rest
}) {
  const boxRef = useRef(null);
  const setBox = useMergedRef(boxRef, ref);
  const [compact, setCompact] = useState(() => window.innerWidth < COMPACT_WIDTH);
  // The first view is chosen once, for the width the page opened at; later the user picks.
  const [firstView] = useState(() => (phoneView && window.innerWidth < COMPACT_WIDTH ? phoneView : initialView));
  const handlers = useRef({});
  handlers.current = { onPlan, onOpen, onRangeChange, selectable };
  const lastPlan = useRef({ key: "", at: 0 });

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return undefined;
    const observer = new ResizeObserver(([entry]) => setCompact(entry.contentRect.width < COMPACT_WIDTH));
    observer.observe(box);
    return () => observer.disconnect();
  }, []);

  // A mouse click on a free cell raises both a selection and a date click: the page hears it once.
  const plan = (start, end, allDay, view) => {
    const key = `${start}|${end}`;
    const now = Date.now();
    if (lastPlan.current.key === key && now - lastPlan.current.at < 1000) return;
    lastPlan.current = { key, at: now };
    handlers.current.onPlan?.({ start, end, all_day: allDay, view });
  };

  const planFromDate = (calendar, date, allDay, view) => {
    const end = new Date(date.getTime() + (allDay ? DAY_MS : SLOT_MINUTES * 60 * 1000));
    plan(calendar.formatIso(date, allDay), calendar.formatIso(end, allDay), allDay, view);
  };

  const viewButtons = views.join(",");
  const headerToolbar = compact
    ? { start: "title", end: "prev,next" }
    : { start: "prev,next today", center: "title", end: viewButtons };
  const footerToolbar = compact ? { start: "today", end: viewButtons } : false;

  return (
    <div
      {...rest}
      ref={setBox}
      className={["planning-calendar", className].filter(Boolean).join(" ")}
      data-compact={compact ? "true" : "false"}
    >
      <FullCalendar
        plugins={[dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin, luxonPlugin]}
        locales={[itLocale, enGbLocale]}
        locale={LOCALES[locale] ?? locale}
        timeZone={timeZone}
        initialView={firstView}
        initialDate={initialDate || undefined}
        headerToolbar={headerToolbar}
        footerToolbar={footerToolbar}
        events={events}
        height="auto"
        selectable={selectable}
        selectMirror={true}
        allDaySlot={allDaySlot}
        slotDuration={`00:${String(SLOT_MINUTES).padStart(2, "0")}:00`}
        slotMinTime={slotMinTime}
        slotMaxTime={slotMaxTime}
        nowIndicator={true}
        navLinks={true}
        dayMaxEventRows={3}
        eventInteractive={true}
        noEventsText={noEventsText || undefined}
        eventTimeFormat={{ hour: "2-digit", minute: "2-digit", hour12: false }}
        select={(info) => plan(info.startStr, info.endStr, info.allDay, info.view.type)}
        dateClick={(info) => {
          if (handlers.current.selectable) planFromDate(info.view.calendar, info.date, info.allDay, info.view.type);
        }}
        eventClick={(info) => {
          info.jsEvent.preventDefault();
          const event = info.event;
          handlers.current.onOpen?.({
            id: event.id,
            start: event.startStr,
            end: event.endStr,
            all_day: event.allDay,
          });
        }}
        datesSet={(info) => handlers.current.onRangeChange?.({ start: info.startStr, end: info.endStr, view: info.view.type })}
        dayCellDidMount={(arg) => {
          // The month's days take the keyboard too: Tab to a day, Enter plans on it.
          if (arg.view.type !== "dayGridMonth") return;
          const cell = arg.el;
          cell.tabIndex = 0;
          cell.setAttribute(
            "aria-label",
            arg.view.calendar.formatDate(arg.date, { weekday: "long", day: "numeric", month: "long", year: "numeric" }),
          );
          cell.addEventListener("keydown", (event) => {
            if (event.target !== cell || (event.key !== "Enter" && event.key !== " ")) return;
            if (!handlers.current.selectable) return;
            event.preventDefault();
            planFromDate(arg.view.calendar, arg.date, true, arg.view.type);
          });
        }}
      />
    </div>
  );
}
