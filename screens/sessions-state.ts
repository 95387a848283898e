/**
 * The Sessions screen's keys as a pure reducer: letters that arrive in one chunk ("dy") are
 * applied one after another to the latest state, so a delete is asked and answered in order.
 * What the screen must do (go back, quit, delete, undo) is a request, bumped on every ask so the
 * same request twice is still seen; the component carries it out in an effect.
 */
export interface SessionsState {
	readonly highlightedId?: string;
	/** Set while "Delete this session? y/n" is asked. */
	readonly confirmingDeleteId?: string;
	readonly request?: {readonly kind: 'back' | 'quit' | 'delete' | 'undo'; readonly sessionId?: string; readonly sequence: number};
}

export type SessionsAction =
	/** undefined when the list is empty. */
	| {readonly type: 'highlight'; readonly sessionId: string | undefined}
	| {
			readonly type: 'key';
			readonly input: string;
			readonly isEscape: boolean;
			/** Whether u undoes this session (given only when the screen offers undo). */
			readonly canUndo?: (sessionId: string) => boolean;
	  };

export const initialSessionsState: SessionsState = {};

function request(state: SessionsState, kind: NonNullable<SessionsState['request']>['kind'], sessionId?: string): SessionsState {
	return {...state, request: {kind, ...(sessionId ? {sessionId} : {}), sequence: (state.request?.sequence ?? 0) + 1}};
}

function letter(state: SessionsState, input: string, canUndo: ((sessionId: string) => boolean) | undefined): SessionsState {
	if (state.confirmingDeleteId) {
		if (input === 'y' || input === 'Y') return {...request(state, 'delete', state.confirmingDeleteId), confirmingDeleteId: undefined};
		if (input === 'n' || input === 'N') return {...state, confirmingDeleteId: undefined};
		return state;
	}
	if (input === 'q') return request(state, 'quit');
	if (input === 'd' && state.highlightedId) return {...state, confirmingDeleteId: state.highlightedId};
	if (input === 'u' && state.highlightedId && canUndo?.(state.highlightedId)) return request(state, 'undo', state.highlightedId);
	return state;
}

export function sessionsReducer(state: SessionsState, action: SessionsAction): SessionsState {
	switch (action.type) {
		case 'highlight':
			if (state.confirmingDeleteId && action.sessionId !== undefined) return state;
			return {...state, highlightedId: action.sessionId, confirmingDeleteId: undefined};
		case 'key':
			if (action.isEscape) return state.confirmingDeleteId ? {...state, confirmingDeleteId: undefined} : request(state, 'back');
			return [...action.input].reduce((current, character) => letter(current, character, action.canUndo), state);
	}
}
